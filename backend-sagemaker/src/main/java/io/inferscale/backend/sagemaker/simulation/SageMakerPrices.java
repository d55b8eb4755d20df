package io.inferscale.backend.sagemaker.simulation;

import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.PriceCatalogue;
import io.inferscale.api.simulation.ReplicaPrice;
import io.inferscale.backend.sagemaker.SageMakerTranslator;

import java.util.Optional;

/**
 * On-demand prices of SageMaker real-time inference instances, per region, from {@code sagemaker-prices.csv} next to
 * this class (format: {@link PriceCatalogue}): every instance type of InferScale's instance catalogue in
 * {@code us-east-1} (the default region) and {@code eu-west-1}. Figures transcribed from
 * aws.amazon.com/sagemaker/pricing are marked {@code published}; the others are assumptions, each with its derivation.
 *
 * <p>A replica is one instance of the type {@link SageMakerTranslator#instanceType} chooses. Region: the model setting
 * {@code sagemaker.region}, else {@code us-east-1}. Overrides: {@code sagemaker.price.<instance type>} (any region) or
 * {@code sagemaker.price.<region>.<instance type>}, in US dollars per hour.
 */
public final class SageMakerPrices {

    /** The catalogue resource, next to this class. */
    public static final String RESOURCE = "sagemaker-prices.csv";

    private static final PriceCatalogue CATALOGUE = PriceCatalogue.resource("sagemaker", SageMakerPrices.class, RESOURCE);

    private SageMakerPrices() {
    }

    /** The catalogue. */
    public static PriceCatalogue catalogue() {
        return CATALOGUE;
    }

    /**
     * The price of one instance of the type the translator chooses for the context's endpoint; empty when no type fits
     * or the type has neither a catalogue row in the region nor a price setting.
     *
     * @throws io.inferscale.api.ConfigurationException for a malformed price setting or an unknown region
     */
    public static Optional<ReplicaPrice> price(ModelContext context) {
        Optional<String> type = SageMakerTranslator.instanceType(context.endpoint());
        if (type.isEmpty()) {
            return Optional.empty();
        }
        return CATALOGUE.price(context.settings(), CATALOGUE.region(context.settings()), type.get());
    }
}
