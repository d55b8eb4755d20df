package io.inferscale.simulator.tune;

import io.inferscale.api.validation.ValidationReport;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A recommendation written to a file, validated on its backend and simulated again from what the file holds.
 *
 * @param file       {@code DIR/<name>.<backend>.yaml}
 * @param validation the backend's report on the file: warnings, and errors the given spec already had on that backend
 *                   (the tuner's own changes never add one: that throws)
 * @param evaluation the simulation of the spec read back from {@code file}, on the tuning part and the holdout
 */
public record WrittenRecommendation(Path file, ValidationReport validation, TuningEvaluation evaluation) {

    /** Rejects nulls. */
    public WrittenRecommendation {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(evaluation, "evaluation");
    }

    /** Errors the given spec already had on the backend (empty when the file is valid there), e.g. a missing container image. */
    public java.util.List<io.inferscale.api.validation.Problem> inheritedErrors() {
        return validation.errors();
    }
}
