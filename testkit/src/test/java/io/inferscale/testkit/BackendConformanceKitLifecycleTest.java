package io.inferscale.testkit;

import io.inferscale.api.backend.Backend;
import io.inferscale.backend.inmemory.InMemoryBackend;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The kit's own lifecycle, driven by hand: what runs after a test, in which order. */
@DisplayName("BackendConformanceKit lifecycle")
class BackendConformanceKitLifecycleTest {

    private final List<String> events = new ArrayList<>();
    private final InMemoryBackend inMemory = InMemoryBackend.create();

    /** The in-memory backend, recording when it is closed. */
    private Backend recordingBackend() {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (proxy, method, args) -> {
            if (method.getName().equals("close")) {
                events.add("close");
            }
            try {
                return method.invoke(inMemory, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    /** A kit (anonymous, so JUnit does not take it for a test class) recording when afterDeletes runs. */
    private BackendConformanceKit kit(Supplier<Backend> create) {
        return new BackendConformanceKit() {
            @Override
            protected Backend createBackend() {
                return create.get();
            }

            @Override
            protected long writeCount() {
                return inMemory.operations().size();
            }

            @Override
            protected void afterDeletes() {
                events.add("afterDeletes with " + inMemory.list().size() + " endpoints");
            }
        };
    }

    @Test
    @DisplayName("afterDeletes runs last, after the test's endpoints are deleted and the backend is closed")
    void afterDeletesRunsLast() {
        BackendConformanceKit kit = kit(this::recordingBackend);
        kit.openBackend();
        String name = kit.newName();
        kit.backend.apply(kit.sample(name));
        assertThat(inMemory.list()).hasSize(1);

        kit.closeBackend();

        assertThat(events).containsExactly("close", "afterDeletes with 0 endpoints");
        assertThat(inMemory.operations()).extracting(InMemoryBackend.Operation::type)
                .containsExactly(InMemoryBackend.OperationType.CREATE, InMemoryBackend.OperationType.DELETE);
    }

    @Test
    @DisplayName("afterDeletes also runs when createBackend was aborted, so a fake started there is stopped")
    void afterDeletesRunsWhenCreateWasAborted() {
        BackendConformanceKit kit = kit(() -> {
            events.add("fake started");
            throw new TestAbortedException("no credentials");
        });
        assertThatThrownBy(kit::openBackend).isInstanceOf(TestAbortedException.class);

        kit.closeBackend();

        assertThat(events).containsExactly("fake started", "afterDeletes with 0 endpoints");
    }

    @Test
    @DisplayName("the default afterDeletes does nothing, so existing subclasses keep working")
    void defaultIsNoOp() {
        BackendConformanceKit kit = new BackendConformanceKit() {
            @Override
            protected Backend createBackend() {
                return recordingBackend();
            }

            @Override
            protected long writeCount() {
                return inMemory.operations().size();
            }
        };
        kit.openBackend();
        kit.closeBackend();
        assertThat(events).containsExactly("close");
    }
}
