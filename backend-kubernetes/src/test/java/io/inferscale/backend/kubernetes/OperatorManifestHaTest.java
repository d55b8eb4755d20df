package io.inferscale.backend.kubernetes;

import io.inferscale.backend.kubernetes.internal.ManifestYaml;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped operator manifests run it highly available: two replicas, leader election, probes, a PDB, the Lease Role. */
class OperatorManifestHaTest {

    private static List<HasMetadata> load(String name) throws IOException {
        try (InputStream in = InferenceEndpointOperator.class.getResourceAsStream("/manifests/" + name)) {
            return ManifestYaml.serialization().unmarshal(in);
        }
    }

    private static <T> T only(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("operator.yaml: 2 replicas with --leader-election, POD_NAME identity, probes on the health server's paths, a PDB keeping 1")
    void highlyAvailableDeployment() throws IOException {
        List<HasMetadata> objects = load("operator.yaml");
        Deployment operator = only(objects, Deployment.class);
        assertThat(operator.getSpec().getReplicas()).isEqualTo(2);
        var container = operator.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getArgs()).containsExactly("operator", "--leader-election", "--health-port", String.valueOf(OperatorHealthServer.DEFAULT_PORT));
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("POD_NAME");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        });
        assertThat(container.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(OperatorHealthServer.DEFAULT_PORT));
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        PodDisruptionBudget pdb = only(objects, PodDisruptionBudget.class);
        assertThat(pdb.getMetadata().getNamespace()).isEqualTo(operator.getMetadata().getNamespace());
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(operator.getSpec().getSelector().getMatchLabels());
    }

    @Test
    @DisplayName("rbac.yaml: the Lease Role lives in the operator's namespace and is bound to its service account")
    void leaseRoleBound() throws IOException {
        Deployment operator = only(load("operator.yaml"), Deployment.class);
        List<HasMetadata> rbac = load("rbac.yaml");
        Role role = only(rbac, Role.class);
        RoleBinding binding = only(rbac, RoleBinding.class);
        assertThat(role.getMetadata().getNamespace()).isEqualTo(operator.getMetadata().getNamespace())
                .isEqualTo(InferenceEndpointReconciler.OperatorIdentity.DEFAULT_NAMESPACE);
        assertThat(binding.getMetadata().getNamespace()).isEqualTo(role.getMetadata().getNamespace());
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo(operator.getSpec().getTemplate().getSpec().getServiceAccountName());
            assertThat(s.getNamespace()).isEqualTo(operator.getMetadata().getNamespace());
        });
        assertThat(role.getRules()).allSatisfy(r -> assertThat(r.getResources()).containsExactly("leases"));
    }
}
