package io.inferscale.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.inferscale.api.BackendException;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.Plan;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The writes: server-side apply of each planned change (field manager {@code kubernetes.fieldManager}, conflicts
 * forced), the hand-over of the Deployment's {@code spec.replicas} before its first update, and delete. Every failed
 * request is wrapped with {@link BackendException#atStep} naming it, except a write another writer outran, which
 * {@link #write} returns for the caller's next pass.
 */
public final class KubernetesExecutor {

    /** Suffix of the field manager that keeps {@code spec.replicas} after create. */
    public static final String REPLICAS_HANDOVER_SUFFIX = "-replicas-handover";

    private final KubernetesClients clients;
    private final KubernetesLiveReader liveState;
    private final String fieldManager;

    /**
     * @param fieldManager the server-side apply field manager ({@code kubernetes.fieldManager})
     */
    public KubernetesExecutor(KubernetesClients clients, KubernetesLiveReader liveState, String fieldManager) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.liveState = Objects.requireNonNull(liveState, "liveState");
        this.fieldManager = Objects.requireNonNull(fieldManager, "fieldManager");
    }

    /**
     * What a pass's writes came to: every change written ({@code lastWritten} is the kind written last), or outrun by
     * another writer at {@code step} ({@code conflict} says how).
     */
    public record Writes(String lastWritten, String step, BackendException conflict) {
        /** True when another writer outran a write and the pass should be repeated. */
        public boolean outrun() {
            return conflict != null;
        }
    }

    /**
     * Writes the plan's changes in order; {@code live} receives each object as the API server stored it. A create
     * carries the Deployment's {@code spec.replicas} ({@code minReplicas}); an update leaves it out, after handing it over
     * ({@link #handOverReplicas}) when InferScale still owns it alone. A DELETE (the ScaledObject left from
     * {@code autoscaler: keda}) deletes it orphaning its HPA ({@link #deleteScaledObjectOrphaning}) and removes it from
     * {@code live}.
     *
     * @throws BackendException from {@link BackendException#atStep} ({@code apply}) when a write fails for any reason
     *                          but another writer getting there first
     */
    public Writes write(Plan plan, DesiredObjects desired, Map<String, HasMetadata> live) {
        String step = null;
        String lastWritten = null;
        boolean update = false;
        try {
            for (Change change : plan.changes()) {
                if (change.action() == Change.Action.DELETE) {
                    step = "delete " + change.kind() + " " + desired.qualifiedName();
                    update = true;
                    deleteScaledObjectOrphaning(desired.namespace(), desired.name());
                    live.remove(change.kind());
                    continue;
                }
                HasMetadata object = desired.object(change.kind());
                HasMetadata current = live.get(change.kind());
                step = "apply " + change.kind() + " " + desired.qualifiedName();
                HasMetadata written;
                update = change.action() != Change.Action.CREATE;
                if (!update) {
                    written = createWithApply(object, desired);
                } else {
                    if (current instanceof Deployment d && ownsReplicasAlone(d, fieldManager)) {
                        // inferscale still owns replicas alone (no HPA scale yet): hand them over with the live count, so
                        // the update below, which leaves replicas out, cannot reset them to the default of 1
                        step = "hand over spec.replicas of Deployment " + desired.qualifiedName();
                        handOverReplicas(d, desired.namespace());
                        step = "apply " + change.kind() + " " + desired.qualifiedName();
                    }
                    written = serverSideApply(DesiredObjects.forUpdate(object), desired.namespace(), fieldManager, true);
                }
                live.put(change.kind(), written);
                lastWritten = change.kind();
            }
        } catch (BackendException e) {
            if (!staleWrite(e, update)) {
                throw BackendException.atStep("apply", desired.name(), step, e);
            }
            return new Writes(lastWritten, step, e);
        }
        return new Writes(lastWritten, step, null);
    }

    /**
     * A write that failed because another writer got there first: 409 (the API server's conflict between simultaneous
     * writes of one object, or a create racing another), or 404 on an update (the object was deleted meanwhile). A 404 on
     * a create means the namespace is missing: not worth another pass.
     */
    private static boolean staleWrite(BackendException e, boolean update) {
        return e.reason() == BackendException.Reason.CONFLICT || (update && e.reason() == BackendException.Reason.NOT_FOUND);
    }

    /**
     * One DELETE of the ScaledObject {@code ns/name} with {@code propagationPolicy: Orphan} (a 404 counts as done): the
     * garbage collector then removes the ScaledObject's owner reference from the HPA KEDA created instead of deleting the
     * HPA, so the HPA keeps scaling the Deployment while InferScale's server-side apply takes it over. With the default
     * (background) propagation the garbage collector would delete the HPA even after InferScale applied it, because the
     * owner reference stays. KEDA's finalizer only stops its scale loop and removes its finalizer; it does not delete the
     * HPA ({@code controllers/keda/scaledobject_finalizer.go} finalizeScaledObject, kedacore/keda 8b4f083ca).
     */
    private void deleteScaledObjectOrphaning(String ns, String name) {
        try {
            KubernetesClients.withOneRetry(() -> ScaledObjects.api(clients.client()).inNamespace(ns).withName(name)
                    .withPropagationPolicy(DeletionPropagation.ORPHAN).delete());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw clients.wrap("delete ScaledObject " + ns + "/" + name, e);
            }
        }
    }

    /**
     * True when {@code manager}'s apply is the only owner of the Deployment's {@code spec.replicas} in its
     * {@code metadata.managedFields}: then leaving the field out of an apply would reset it to the default of 1.
     */
    public static boolean ownsReplicasAlone(Deployment d, String manager) {
        List<ManagedFieldsEntry> entries = d.getMetadata().getManagedFields() == null ? List.of() : d.getMetadata().getManagedFields();
        List<ManagedFieldsEntry> owners = entries.stream().filter(KubernetesExecutor::ownsReplicas).toList();
        return owners.size() == 1 && manager.equals(owners.get(0).getManager()) && "Apply".equals(owners.get(0).getOperation())
                && owners.get(0).getSubresource() == null;
    }

    private static boolean ownsReplicas(ManagedFieldsEntry e) {
        return e.getFieldsV1() != null && e.getFieldsV1().getAdditionalProperties().get("f:spec") instanceof Map<?, ?> spec
                && spec.containsKey("f:replicas");
    }

    /**
     * Applies {@code spec.replicas} alone (the live count) with the handover manager, not forced, so the main manager may
     * drop the field: the "Transferring ownership" steps of the Server-Side Apply docs. A conflict means another manager
     * (the HPA) changed replicas since the read and now owns them: the caller starts another pass, which re-reads the
     * Deployment and, the HPA owning replicas, needs no handover.
     */
    private void handOverReplicas(Deployment live, String ns) {
        Deployment replicasOnly = new DeploymentBuilder().withApiVersion("apps/v1").withKind("Deployment")
                .withNewMetadata().withName(live.getMetadata().getName()).withNamespace(ns).endMetadata()
                .withNewSpec().withReplicas(live.getSpec().getReplicas()).endSpec().build();
        serverSideApply(replicasOnly, ns, fieldManager + REPLICAS_HANDOVER_SUFFIX, false);
    }

    /**
     * The create's server-side apply; a 404 on a ScaledObject means KEDA is not installed (the Deployment, applied before it,
     * proved the namespace exists).
     */
    private HasMetadata createWithApply(HasMetadata object, DesiredObjects desired) {
        try {
            return serverSideApply(object, desired.namespace(), fieldManager, true);
        } catch (BackendException e) {
            if (ScaledObjects.isScaledObject(object) && e.reason() == BackendException.Reason.NOT_FOUND) {
                throw ScaledObjects.kedaMissing(desired.qualifiedName(), e);
            }
            throw e;
        }
    }

    /** Server-side apply; returns the object as the API server stored it. A ScaledObject goes through the generic API. */
    private HasMetadata serverSideApply(HasMetadata object, String ns, String manager, boolean force) {
        try {
            if (object instanceof GenericKubernetesResource g && ScaledObjects.isScaledObject(g)) {
                var op = ScaledObjects.api(clients.client()).inNamespace(ns).resource(g).fieldManager(manager);
                return KubernetesClients.withOneRetry(() -> (force ? op.forceConflicts() : op).serverSideApply());
            }
            var op = clients.client().resource(object).inNamespace(ns).fieldManager(manager);
            return KubernetesClients.withOneRetry(() -> (force ? op.forceConflicts() : op).serverSideApply());
        } catch (KubernetesClientException e) {
            throw clients.wrap("server-side apply of " + object.getKind() + " " + ns + "/" + object.getMetadata().getName(), e);
        }
    }

    /**
     * Deletes the HPA, the Service and the Deployment named {@code name} that carry InferScale's label, and the KEDA
     * ScaledObject of that name first when there may be one (the HPA is missing, or a ScaledObject owns it); nothing else:
     * per object a GET (the label check: Kubernetes has no label precondition on DELETE) and a DELETE when managed; a DELETE
     * answered 404 (already gone) counts as done. An endpoint with a plain HPA costs the same six requests as before KEDA
     * support; a GET of the ScaledObject answered 404 (none, or KEDA not installed) counts as absent.
     *
     * @return true when something was deleted
     * @throws BackendException from {@link BackendException#atStep} ({@code delete}) when a request fails
     */
    public boolean deleteManaged(String ns, String name) {
        boolean deleted = false;
        HasMetadata hpa = liveState.read(HorizontalPodAutoscaler.class, ns, name, "delete");
        if (hpa == null || ScaledObjects.ownedByKeda(hpa)) {
            // the ScaledObject first: KEDA would recreate an HPA deleted under it; its HPA goes with it (owner reference)
            HasMetadata so = liveState.readScaledObject(ns, name, "delete");
            deleted |= deleteIfManaged(so, ns, name, "ScaledObject",
                    () -> ScaledObjects.api(clients.client()).inNamespace(ns).withName(name).delete());
        }
        deleted |= deleteIfManaged(hpa, ns, name, "HorizontalPodAutoscaler",
                () -> clients.client().resources(HorizontalPodAutoscaler.class).inNamespace(ns).withName(name).delete());
        for (Class<? extends HasMetadata> type : List.of(Service.class, Deployment.class)) {
            HasMetadata live = liveState.read(type, ns, name, "delete");
            deleted |= deleteIfManaged(live, ns, name, type.getSimpleName(),
                    () -> clients.client().resources(type).inNamespace(ns).withName(name).delete());
        }
        return deleted;
    }

    /** One DELETE of {@code live} when it exists and is managed; true when it was deleted (a 404 counts as done). */
    private boolean deleteIfManaged(HasMetadata live, String ns, String name, String kind, Supplier<?> delete) {
        if (live == null || !KubernetesLiveReader.managed(live)) {
            return false;
        }
        String step = "delete " + kind + " " + ns + "/" + name;
        try {
            // the object existed when read: an empty answer means this delete's first, unanswered attempt (or a
            // concurrent delete) removed it, which still counts as deleted
            KubernetesClients.withOneRetry(delete);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw BackendException.atStep("delete", name, step, clients.wrap(step, e));
            }
        }
        return true;
    }
}
