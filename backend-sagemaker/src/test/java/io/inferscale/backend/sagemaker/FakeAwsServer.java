package io.inferscale.backend.sagemaker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.inferscale.api.codec.Json;
import io.inferscale.testkit.FakeCloud;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stateful local stand-in for SageMaker and Application Auto Scaling, speaking the AWS JSON 1.1 protocol
 * ({@code X-Amz-Target: SageMaker.<Op>} and {@code AnyScaleFrontendService.<Op>}), and for the CloudWatch alarm calls
 * of scale to zero ({@code PutMetricAlarm}, {@code DescribeAlarms}, {@code DeleteAlarms}) in the awsQuery protocol
 * (form-encoded {@code Action=<Op>} requests, XML answers: what the SDK 2.40.2 {@code cloudwatch} client sends), on a
 * loopback port. The real SDK clients talk to it through {@code endpointOverride}. It keeps models, endpoint configs,
 * endpoints, inference components, scalable targets (variant instance counts and inference-component copy counts),
 * policies (target tracking and step scaling), alarms and scaling activities; moves Creating/Updating to InService and
 * Deleting to gone after a configurable delay (inference components like endpoints, counting DescribeInferenceComponent
 * polls); answers with SageMaker's and Application Auto Scaling's real error codes and messages;
 * can inject errors (throttling, 5xx, access denied...); and counts mutating requests.
 *
 * <p>Published in {@code inferscale-backend-sagemaker}'s test-jar (a {@link FakeCloud}), to test code that drives the
 * SageMaker backend without an AWS account: start it, point the backend at it with
 * {@code sagemaker.endpointOverride=<uri()>} and {@code sagemaker.region=us-east-1}, and give the SDK any static
 * credentials (the fake does not check signatures):
 *
 * <pre>{@code
 * try (FakeAwsServer fake = FakeAwsServer.start()) {
 *     fake.transitionDelay(Duration.ZERO);
 *     BackendConfig config = BackendConfig.of(Map.of("sagemaker.region", "us-east-1", "sagemaker.endpointOverride", fake.endpoint(),
 *             "sagemaker.executionRoleArn", "arn:aws:iam::123456789012:role/Exec"));
 *     try (SageMakerBackend backend = SageMakerBackend.create(config, StaticCredentialsProvider.create(
 *             AwsBasicCredentials.create("AKIAFAKE", "fake")))) {
 *         backend.apply(endpoint);
 *     }
 *     assertThat(fake.calls()).startsWith("DescribeEndpoint");
 * }
 * }</pre>
 *
 * Thread-safe.
 */
public final class FakeAwsServer implements FakeCloud {

    /** The account id in every ARN the fake returns. */
    public static final String ACCOUNT = "123456789012";
    /** The region in every ARN the fake returns. */
    public static final String REGION = "us-east-1";
    private static final String DIMENSION = "sagemaker:variant:DesiredInstanceCount";
    private static final String IC_DIMENSION = "sagemaker:inference-component:DesiredCopyCount";

    private record Injected(String operation, int status, String code, String message) {
    }

    /** A fault armed by {@link #arm}: an AWS error answer (before the request takes effect), or a lost answer (after). */
    public record Armed(String operation, boolean persistent, int status, String code, String message, long holdMillis, boolean drop) {
        /** An error answer, as AWS sends it: HTTP status, {@code __type} and message; the request has no effect. */
        public static Armed error(String operation, boolean persistent, int status, String code, String message) {
            return new Armed(operation, persistent, status, code, message, 0, false);
        }

        /** The request takes effect, then the answer is held {@code holdMillis} (beyond the client's attempt timeout). */
        public static Armed slow(String operation, boolean persistent, long holdMillis) {
            return new Armed(operation, persistent, 0, null, null, holdMillis, false);
        }

        /** The request takes effect, then the connection closes without an answer. */
        public static Armed dropped(String operation, boolean persistent) {
            return new Armed(operation, persistent, 0, null, null, 0, true);
        }
    }

    private static final class Endpoint {
        String name;
        String configName;
        String pendingConfig;
        boolean retain;
        String status;
        String failureReason;
        BigDecimal created;
        BigDecimal modified;
        long transitionAt;
        int pollsLeft;
        List<Object> pendingVariants;
        final Map<String, Integer> desired = new LinkedHashMap<>();
        List<Object> tags = new ArrayList<>();
    }

    /** An inference component: its request, status and copy counts. */
    private static final class Component {
        String name;
        String endpoint;
        String variant;
        Map<String, Object> specification;
        String status;
        int desiredCopies;
        int currentCopies;
        BigDecimal created;
        BigDecimal modified;
        long transitionAt;
        int pollsLeft;
        Map<String, Object> pendingSpecification;
    }

    private final HttpServer server;
    private final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-aws");
        t.setDaemon(true);
        return t;
    });
    private final java.util.Set<Integer> clientPorts = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private Armed armed;
    private volatile String lastAuthorization;
    private volatile String lastSecurityToken;
    private int transitionPolls;
    private long waitPolls;
    private final AtomicLong writes = new AtomicLong();
    private final List<String> operations = new ArrayList<>();
    private final Deque<Injected> injected = new ArrayDeque<>();
    private final java.util.concurrent.atomic.AtomicLong armedFired = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, Map<String, Object>> models = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> configs = new LinkedHashMap<>();
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> targets = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> policies = new LinkedHashMap<>();
    private final List<Map<String, Object>> activities = new ArrayList<>();
    private final Map<String, List<Object>> tagsByArn = new LinkedHashMap<>();
    private final Map<String, Component> components = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> alarms = new LinkedHashMap<>();
    private long componentPolls;
    private long transitionMillis = 150;
    private boolean transitionsHeld;
    private String failNextEndpoint;
    private int activitySeq;

    private FakeAwsServer() throws IOException {
        // small JSON exchanges: without TCP_NODELAY, Nagle plus delayed ACKs add ~40 ms to every call
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /**
     * Starts an empty fake on a free loopback port (endpoints go InService 150 ms after a write).
     *
     * @throws IllegalStateException when no port can be bound
     */
    public static FakeAwsServer start() {
        try {
            return new FakeAwsServer();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fake's base URI, {@code http://127.0.0.1:<port>}: the SDK clients' {@code endpointOverride}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** {@link #uri()} as text. */
    @Override
    public String endpoint() {
        return uri().toString();
    }

    /** {@link #operations()}. */
    @Override
    public List<String> calls() {
        return operations();
    }

    /**
     * Empties the fake: every resource, scaling activity and tag, the operation log and write count, injected and armed
     * faults, and the transition settings (150 ms, not held, no poll count). Connections already open stay counted.
     */
    @Override
    public synchronized void reset() {
        operations.clear();
        injected.clear();
        armed = null;
        armedFired.set(0);
        writes.set(0);
        models.clear();
        configs.clear();
        endpoints.clear();
        targets.clear();
        policies.clear();
        activities.clear();
        tagsByArn.clear();
        components.clear();
        alarms.clear();
        componentPolls = 0;
        transitionMillis = 150;
        transitionsHeld = false;
        transitionPolls = 0;
        waitPolls = 0;
        failNextEndpoint = null;
        activitySeq = 0;
    }

    /** Mutating requests received so far (every operation except Describe* and List*), failed ones included. */
    @Override
    public long writeCount() {
        return writes.get();
    }

    /** The operations received so far, oldest first, by AWS name ({@code CreateModel}, {@code DescribeEndpoint}...). */
    public synchronized List<String> operations() {
        return List.copyOf(operations);
    }

    /** Forgets the operations received so far (resources stay). */
    public synchronized void clearOperations() {
        operations.clear();
    }

    /** How long an endpoint stays Creating/Updating/Deleting after the write that started the change (default 150 ms). */
    public synchronized void transitionDelay(Duration d) {
        transitionMillis = d.toMillis();
    }

    /** While held, endpoints stay Creating/Updating/Deleting whatever the delay (tests need not race a timer). */
    public synchronized void holdTransitions(boolean held) {
        transitionsHeld = held;
    }

    /** The next {@code times} requests for {@code operation} (null: any) answer with this error. */
    public synchronized void inject(String operation, int status, String code, String message, int times) {
        for (int i = 0; i < times; i++) {
            injected.add(new Injected(operation, status, code, message));
        }
    }

    /** How many requests an {@link #arm armed} fault has hit since the server started. */
    public long armedFired() {
        return armedFired.get();
    }

    /** Arms one fault (replacing any other); a {@link Armed#persistent} one lasts until {@link #disarm}. */
    public synchronized void arm(Armed fault) {
        armed = fault;
    }

    /** Removes the {@link #arm armed} fault. */
    public synchronized void disarm() {
        armed = null;
    }

    /**
     * From now on, an endpoint that is Creating/Updating/Deleting changes state on the {@code polls}-th DescribeEndpoint
     * after the write that started the change (0: after {@link #transitionDelay} as before). Makes the waiter's poll
     * count deterministic.
     */
    public synchronized void transitionAfterPolls(int polls) {
        transitionPolls = polls;
    }

    /** DescribeEndpoint calls that found the endpoint changing (the waiter's polls, including the one that saw it finish). */
    public synchronized long waitPolls() {
        return waitPolls;
    }

    /** The Authorization header of the last request (SigV4: names the access key id, never the secret). */
    public String lastAuthorization() {
        return lastAuthorization;
    }

    /** The X-Amz-Security-Token header (the session token) of the last request. */
    public String lastSecurityToken() {
        return lastSecurityToken;
    }

    /** Distinct client TCP connections (source ports) seen so far. */
    public int connections() {
        return clientPorts.size();
    }

    /**
     * A canonical dump of every model, endpoint config, endpoint, scalable target and scaling policy, without times,
     * request ids or scaling activities: equal strings mean equal resources.
     */
    public synchronized String state() {
        Map<String, Object> out = new java.util.TreeMap<>();
        Map<String, Object> ms = new java.util.TreeMap<>();
        models.forEach((n, m) -> ms.put(n, map("PrimaryContainer", m.get("PrimaryContainer"), "ExecutionRoleArn", m.get("ExecutionRoleArn"),
                "Tags", tagsByArn.get(arn("model", n)))));
        Map<String, Object> cs = new java.util.TreeMap<>();
        configs.forEach((n, c) -> cs.put(n, map("ProductionVariants", c.get("ProductionVariants"), "Tags", tagsByArn.get(arn("endpoint-config", n)))));
        Map<String, Object> es = new java.util.TreeMap<>();
        endpoints.forEach((n, e) -> es.put(n, map("EndpointConfigName", e.configName, "PendingConfig", e.pendingConfig, "Status", e.status,
                "FailureReason", e.failureReason, "DesiredInstanceCount", new java.util.TreeMap<>(e.desired), "Tags", tagsByArn.get(arn("endpoint", n)))));
        Map<String, Object> ts = new java.util.TreeMap<>();
        targets.forEach((id, t) -> ts.put(id, map("MinCapacity", t.get("MinCapacity"), "MaxCapacity", t.get("MaxCapacity"),
                "SuspendedState", t.get("SuspendedState"))));
        Map<String, Object> ps = new java.util.TreeMap<>();
        policies.forEach((k, p) -> ps.put(k, map("PolicyType", p.get("PolicyType"), "TargetTrackingScalingPolicyConfiguration",
                p.get("TargetTrackingScalingPolicyConfiguration"), "StepScalingPolicyConfiguration", p.get("StepScalingPolicyConfiguration"))));
        out.put("1 models", ms);
        out.put("2 endpointConfigs", cs);
        out.put("3 endpoints", es);
        out.put("4 scalableTargets", ts);
        out.put("5 scalingPolicies", ps);
        if (!components.isEmpty() || !alarms.isEmpty()) {
            Map<String, Object> ics = new java.util.TreeMap<>();
            components.forEach((n, c) -> ics.put(n, map("EndpointName", c.endpoint, "VariantName", c.variant, "Specification", c.specification,
                    "Status", c.status, "DesiredCopyCount", c.desiredCopies, "Tags", tagsByArn.get(arn("inference-component", n)))));
            Map<String, Object> as = new java.util.TreeMap<>();
            alarms.forEach((n, a) -> {
                Map<String, Object> copy = new java.util.TreeMap<>(a);
                copy.remove("AlarmConfigurationUpdatedTimestamp");
                as.put(n, copy);
            });
            out.put("6 inferenceComponents", ics);
            out.put("7 alarms", as);
        }
        return Json.write(out);
    }

    /** The names of the inference components, sorted. */
    public synchronized List<String> inferenceComponentNames() {
        return components.keySet().stream().sorted().toList();
    }

    /** The desired copy count of inference component {@code name} (as Application Auto Scaling would set it); -1 when missing. */
    public synchronized int desiredCopies(String name) {
        Component c = components.get(name);
        return c == null ? -1 : c.desiredCopies;
    }

    /** Sets the copy count of inference component {@code name} as autoscaling would (e.g. 0: scaled to zero), at once. */
    public synchronized void setCopies(String name, int copies) {
        Component c = components.get(name);
        c.desiredCopies = copies;
        c.currentCopies = copies;
    }

    /** The alarm {@code name} as DescribeAlarms returns it (member names as in the API), or null. */
    public synchronized Map<String, Object> alarm(String name) {
        Map<String, Object> a = alarms.get(name);
        return a == null ? null : new LinkedHashMap<>(a);
    }

    /** The alarm names, sorted. */
    public synchronized List<String> alarmNames() {
        return alarms.keySet().stream().sorted().toList();
    }

    /** DescribeInferenceComponent calls that found the component changing (the apply's and delete's polls). */
    public synchronized long componentPolls() {
        return componentPolls;
    }

    /** The next endpoint creation ends in Failed with this reason. */
    public synchronized void failNextEndpoint(String reason) {
        failNextEndpoint = reason;
    }

    /** Deletes every scaling policy of the scalable target {@code resourceId}, as someone at the console would; returns how many. */
    public synchronized int removeScalingPolicies(String resourceId) {
        int before = policies.size();
        policies.values().removeIf(p -> p.get("ResourceId").equals(resourceId));
        return before - policies.size();
    }

    /** Simulates the autoscaler choosing {@code count} instances. */
    public synchronized void setDesiredInstanceCount(String endpoint, String variant, int count) {
        endpoints.get(endpoint).desired.put(variant, count);
        activity("endpoint/" + endpoint + "/variant/" + variant, "Setting desired instance count to " + count + ".", "monitor alarm fired");
    }

    /** The desired instance count of each production variant of {@code endpoint}, by variant name. */
    public synchronized Map<String, Integer> desiredCounts(String endpoint) {
        return Map.copyOf(endpoints.get(endpoint).desired);
    }

    /** The names of the models that exist. */
    public synchronized List<String> modelNames() {
        return List.copyOf(models.keySet());
    }

    /** The names of the endpoint configs that exist. */
    public synchronized List<String> configNames() {
        return List.copyOf(configs.keySet());
    }

    /** The endpoint config {@code name} as CreateEndpointConfig received it, or null. */
    public synchronized Map<String, Object> config(String name) {
        return configs.get(name);
    }

    /** The endpoint config {@code endpoint} currently uses. */
    public synchronized String endpointConfigName(String endpoint) {
        return endpoints.get(endpoint).configName;
    }

    /** Whether a scalable target is registered for {@code resourceId} ({@code endpoint/<name>/variant/<variant>}). */
    public synchronized boolean hasTarget(String resourceId) {
        return targets.containsKey(resourceId);
    }

    /** Whether the scalable target {@code resourceId} has dynamic scale-out suspended. */
    public synchronized boolean suspendedOut(String resourceId) {
        return Boolean.TRUE.equals(asMap(targets.get(resourceId).get("SuspendedState")).get("DynamicScalingOutSuspended"));
    }

    /** The names of the scaling policies that exist. */
    public synchronized List<String> policyNames() {
        return policies.values().stream().map(p -> (String) p.get("PolicyName")).toList();
    }

    /** The scaling policy {@code name} as PutScalingPolicy received it, or null. */
    public synchronized Map<String, Object> policy(String name) {
        return policies.values().stream().filter(p -> p.get("PolicyName").equals(name)).findFirst().orElse(null);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- protocol

    private static final class AwsError extends RuntimeException {
        final int status;
        final String code;

        AwsError(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    private static AwsError validation(String message) {
        return new AwsError(400, "ValidationException", message);
    }

    private void handle(HttpExchange ex) throws IOException {
        clientPorts.add(ex.getRemoteAddress().getPort());
        lastAuthorization = ex.getRequestHeaders().getFirst("Authorization");
        lastSecurityToken = ex.getRequestHeaders().getFirst("X-Amz-Security-Token");
        String target = Objects.toString(ex.getRequestHeaders().getFirst("X-Amz-Target"), "");
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        int status = 200;
        Object response;
        Map<String, String> headers = new LinkedHashMap<>();
        Armed lost = null;
        // awsQuery (CloudWatch in SDK 2.40.2): no X-Amz-Target, a form-encoded body naming the Action
        Map<String, String> form = target.isEmpty() ? form(body) : null;
        boolean query = form != null && form.containsKey("Action");
        synchronized (this) {
            int dot = target.indexOf('.');
            String service = query ? "CloudWatch" : dot < 0 ? "" : target.substring(0, dot);
            String op = query ? form.get("Action") : dot < 0 ? target : target.substring(dot + 1);
            operations.add(op);
            if (!op.startsWith("Describe") && !op.startsWith("List")) {
                writes.incrementAndGet();
            }
            Armed fault = armed != null && armed.operation().equals(op) ? armed : null;
            if (fault != null && !fault.persistent()) {
                armed = null;
            }
            if (fault != null) {
                armedFired.incrementAndGet();
            }
            try {
                Injected inj = injected.peek();
                if (inj != null && (inj.operation == null || inj.operation.equals(op))) {
                    injected.poll();
                    throw new AwsError(inj.status, inj.code, inj.message);
                }
                if (fault != null && fault.code() != null) {
                    throw new AwsError(fault.status(), fault.code(), fault.message());
                }
                lost = fault;
                tick();
                Map<String, Object> req = query ? Map.of() : body.length == 0 ? Map.of() : asMap(toJava(JsonNode.parser().parse(body)));
                response = switch (service) {
                    case "SageMaker" -> sageMaker(op, req);
                    case "AnyScaleFrontendService" -> autoScaling(op, req);
                    case "CloudWatch" -> cloudWatch(op, form);
                    default -> throw new AwsError(400, "UnknownOperationException", "unknown target " + target);
                };
            } catch (AwsError e) {
                status = e.status;
                if (query) {
                    response = new XmlAnswer("<ErrorResponse xmlns=\"" + CLOUDWATCH_XMLNS + "\"><Error><Type>Sender</Type><Code>" + xml(e.code)
                            + "</Code><Message>" + xml(e.getMessage()) + "</Message></Error><RequestId>fake-" + System.nanoTime() + "</RequestId></ErrorResponse>");
                } else {
                    headers.put("x-amzn-ErrorType", e.code);
                    Map<String, Object> err = new LinkedHashMap<>();
                    err.put("__type", e.code);
                    err.put("message", e.getMessage());
                    response = err;
                }
            }
        }
        if (lost != null && lost.drop()) {
            ex.close(); // no response headers sent: the JDK server closes the connection
            return;
        }
        if (lost != null) {
            try {
                Thread.sleep(lost.holdMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ex.close();
                return;
            }
        }
        byte[] out = (response instanceof XmlAnswer x ? x.xml() : Json.write(response)).getBytes(StandardCharsets.UTF_8);
        try {
            ex.getResponseHeaders().add("Content-Type", response instanceof XmlAnswer ? "text/xml" : "application/x-amz-json-1.1");
            ex.getResponseHeaders().add("x-amzn-RequestId", "fake-" + System.nanoTime());
            headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            ex.sendResponseHeaders(status, out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        } catch (IOException e) {
            ex.close(); // the client gave up (a held answer)
        }
    }

    /** An awsQuery answer: the XML document as sent. */
    private record XmlAnswer(String xml) {
    }

    private static final String CLOUDWATCH_XMLNS = "http://monitoring.amazonaws.com/doc/2010-08-01/";

    /** A form-encoded body as a flat map ({@code Dimensions.member.1.Name=...}); null when it is not one. */
    private static Map<String, String> form(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (!text.startsWith("Action=") && !text.contains("&Action=")) {
            return null;
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            String k = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            m.put(k, v);
        }
        return m;
    }

    /** The members {@code prefix.member.1}, {@code prefix.member.2}... of a query list of strings. */
    private static List<String> queryList(Map<String, String> form, String prefix) {
        List<String> out = new ArrayList<>();
        for (int i = 1; form.containsKey(prefix + ".member." + i); i++) {
            out.add(form.get(prefix + ".member." + i));
        }
        return out;
    }

    private static String xml(Object text) {
        return String.valueOf(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static Object toJava(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.asObject().forEach((k, v) -> m.put(k, toJava(v)));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.asArray().forEach(v -> l.add(toJava(v)));
            return l;
        }
        if (n.isString()) {
            return n.asString();
        }
        if (n.isNumber()) {
            return new BigDecimal(n.asNumber());
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object o) {
        return o == null ? List.of() : (List<Object>) o;
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            throw validation("1 validation error detected: Value null at '" + Character.toLowerCase(key.charAt(0)) + key.substring(1)
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return v.toString();
    }

    private static BigDecimal now() {
        return BigDecimal.valueOf(System.currentTimeMillis()).movePointLeft(3);
    }

    private static String arn(String kind, String name) {
        return "arn:aws:sagemaker:" + REGION + ":" + ACCOUNT + ":" + kind + "/" + name.toLowerCase(java.util.Locale.ROOT);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    // ---- state machine

    private void tick() {
        if (transitionsHeld) {
            return;
        }
        long t = System.currentTimeMillis();
        for (Endpoint e : new ArrayList<>(endpoints.values())) {
            if (transitionPolls == 0 && e.transitionAt != 0 && t >= e.transitionAt) {
                transition(e);
            }
        }
        for (Component c : new ArrayList<>(components.values())) {
            if (transitionPolls == 0 && c.transitionAt != 0 && t >= c.transitionAt) {
                transition(c);
            }
        }
    }

    private void startTransition(Component c) {
        c.transitionAt = System.currentTimeMillis() + transitionMillis;
        c.pollsLeft = transitionPolls;
    }

    private void transition(Component c) {
        c.transitionAt = 0;
        switch (c.status) {
            case "Creating", "Updating" -> {
                if (c.pendingSpecification != null) {
                    c.specification = c.pendingSpecification;
                    c.pendingSpecification = null;
                }
                c.currentCopies = c.desiredCopies;
                c.status = "InService";
            }
            case "Deleting" -> components.remove(c.name);
            default -> {
            }
        }
        c.modified = now();
    }

    private Component component(String name) {
        Component c = components.get(name);
        if (c == null) {
            throw validation("Could not find inference component \"" + arn("inference-component", name) + "\".");
        }
        return c;
    }

    private Map<String, Object> describeComponent(Component c) {
        return map("InferenceComponentName", c.name, "InferenceComponentArn", arn("inference-component", c.name), "EndpointName", c.endpoint,
                "EndpointArn", arn("endpoint", c.endpoint), "VariantName", c.variant, "Specification", c.specification,
                "RuntimeConfig", map("DesiredCopyCount", c.desiredCopies, "CurrentCopyCount", c.currentCopies),
                "CreationTime", c.created, "LastModifiedTime", c.modified, "InferenceComponentStatus", c.status);
    }

    /** The inference-component operations of SageMaker; null for another operation. */
    private Object inferenceComponents(String op, Map<String, Object> r) {
        return switch (op) {
            case "CreateInferenceComponent" -> {
                String name = str(r, "InferenceComponentName");
                if (components.containsKey(name)) {
                    throw validation("Cannot create already existing inference component \"" + arn("inference-component", name) + "\".");
                }
                Endpoint e = endpoint(str(r, "EndpointName"));
                if (!e.status.equals("InService")) {
                    throw validation("Endpoint \"" + arn("endpoint", e.name) + "\" is not in service: it is " + e.status + ".");
                }
                Map<String, Object> spec = asMap(r.get("Specification"));
                if (spec == null) {
                    throw validation("Specification is required.");
                }
                model(str(spec, "ModelName"));
                Map<String, Object> compute = asMap(spec.get("ComputeResourceRequirements"));
                if (compute == null || compute.get("MinMemoryRequiredInMb") == null) {
                    throw validation("1 validation error detected: Value null at 'specification.computeResourceRequirements.minMemoryRequiredInMb' "
                            + "failed to satisfy constraint: Member must not be null");
                }
                Map<String, Object> runtime = asMap(r.get("RuntimeConfig"));
                if (runtime == null || runtime.get("CopyCount") == null) {
                    throw validation("1 validation error detected: Value null at 'runtimeConfig.copyCount' failed to satisfy constraint: Member must not be null");
                }
                String variant = str(r, "VariantName");
                if (!e.desired.containsKey(variant)) {
                    throw validation("Variant \"" + variant + "\" does not exist on endpoint \"" + arn("endpoint", e.name) + "\".");
                }
                Component c = new Component();
                c.name = name;
                c.endpoint = e.name;
                c.variant = variant;
                c.specification = spec;
                c.desiredCopies = ((BigDecimal) runtime.get("CopyCount")).intValue();
                c.status = "Creating";
                c.created = now();
                c.modified = c.created;
                startTransition(c);
                components.put(name, c);
                tagsByArn.put(arn("inference-component", name), new ArrayList<>(asList(r.get("Tags"))));
                yield map("InferenceComponentArn", arn("inference-component", name));
            }
            case "DescribeInferenceComponent" -> {
                Component c = component(str(r, "InferenceComponentName"));
                if (c.transitionAt != 0) {
                    componentPolls++;
                    if (transitionPolls > 0 && !transitionsHeld && --c.pollsLeft <= 0) {
                        transition(c);
                    }
                }
                yield describeComponent(component(c.name));
            }
            case "UpdateInferenceComponent", "UpdateInferenceComponentRuntimeConfig" -> {
                Component c = component(str(r, "InferenceComponentName"));
                if (!c.status.equals("InService")) {
                    throw validation("Cannot update in-progress inference component \"" + arn("inference-component", c.name) + "\".");
                }
                if (op.equals("UpdateInferenceComponent")) {
                    c.pendingSpecification = r.get("Specification") == null ? c.specification : asMap(r.get("Specification"));
                    if (r.get("RuntimeConfig") != null) {
                        c.desiredCopies = ((BigDecimal) asMap(r.get("RuntimeConfig")).get("CopyCount")).intValue();
                    }
                } else {
                    Map<String, Object> desired = asMap(r.get("DesiredRuntimeConfig"));
                    if (desired == null || desired.get("CopyCount") == null) {
                        throw validation("1 validation error detected: Value null at 'desiredRuntimeConfig.copyCount' failed to satisfy constraint: Member must not be null");
                    }
                    c.desiredCopies = ((BigDecimal) desired.get("CopyCount")).intValue();
                }
                c.status = "Updating";
                c.modified = now();
                startTransition(c);
                yield map("InferenceComponentArn", arn("inference-component", c.name));
            }
            case "DeleteInferenceComponent" -> {
                Component c = component(str(r, "InferenceComponentName"));
                if (!c.status.equals("Deleting")) {
                    c.status = "Deleting";
                    startTransition(c);
                }
                yield map();
            }
            case "ListInferenceComponents" -> map("InferenceComponents", components.values().stream()
                    .filter(c -> r.get("EndpointNameEquals") == null || c.endpoint.equals(r.get("EndpointNameEquals")))
                    .filter(c -> contains(c.name, r.get("NameContains")))
                    .map(c -> map("InferenceComponentName", c.name, "InferenceComponentArn", arn("inference-component", c.name),
                            "EndpointName", c.endpoint, "EndpointArn", arn("endpoint", c.endpoint), "VariantName", c.variant,
                            "InferenceComponentStatus", c.status, "CreationTime", c.created, "LastModifiedTime", c.modified)).toList());
            default -> null;
        };
    }

    /** Starts a state change: done after the configured delay or number of DescribeEndpoint polls. */
    private void startTransition(Endpoint e) {
        e.transitionAt = System.currentTimeMillis() + transitionMillis;
        e.pollsLeft = transitionPolls;
    }

    private void transition(Endpoint e) {
        e.transitionAt = 0;
        switch (e.status) {
            case "Creating" -> {
                if (failNextEndpoint != null) {
                    e.status = "Failed";
                    e.failureReason = failNextEndpoint;
                    failNextEndpoint = null;
                } else {
                    e.status = "InService";
                }
            }
            case "Updating" -> {
                Map<String, Integer> old = new LinkedHashMap<>(e.desired);
                e.desired.clear();
                for (Object v : e.pendingVariants) {
                    Map<String, Object> pv = asMap(v);
                    String vn = (String) pv.get("VariantName");
                    int initial = ((BigDecimal) pv.get("InitialInstanceCount")).intValue();
                    e.desired.put(vn, e.retain && old.containsKey(vn) ? old.get(vn) : initial);
                }
                e.configName = e.pendingConfig;
                e.pendingConfig = null;
                e.pendingVariants = null;
                e.status = "InService";
            }
            case "Deleting" -> {
                endpoints.remove(e.name);
                // SageMaker deregisters the variants' scalable targets (and so their policies) when it deletes an endpoint
                targets.keySet().removeIf(r -> r.startsWith("endpoint/" + e.name + "/"));
                policies.values().removeIf(p -> ((String) p.get("ResourceId")).startsWith("endpoint/" + e.name + "/"));
            }
            default -> {
            }
        }
        e.modified = now();
    }

    private void activity(String resourceId, String description, String cause) {
        activities.add(0, map("ActivityId", "act-" + (++activitySeq), "ServiceNamespace", "sagemaker", "ResourceId", resourceId,
                "ScalableDimension", resourceId.startsWith("inference-component/") ? IC_DIMENSION : DIMENSION, "Description", description, "Cause", cause, "StartTime", now(), "EndTime", now(),
                "StatusCode", "Successful", "StatusMessage", "Successfully set desired instance count."));
    }

    // ---- SageMaker

    private Object sageMaker(String op, Map<String, Object> r) {
        Object component = inferenceComponents(op, r);
        if (component != null) {
            return component;
        }
        return switch (op) {
            case "CreateModel" -> {
                String name = str(r, "ModelName");
                if (models.containsKey(name)) {
                    throw validation("Cannot create already existing model \"" + arn("model", name) + "\".");
                }
                models.put(name, map("ModelName", name, "PrimaryContainer", r.get("PrimaryContainer"), "ExecutionRoleArn", r.get("ExecutionRoleArn"),
                        "CreationTime", now(), "ModelArn", arn("model", name)));
                tagsByArn.put(arn("model", name), new ArrayList<>(asList(r.get("Tags"))));
                yield map("ModelArn", arn("model", name));
            }
            case "DescribeModel" -> model(str(r, "ModelName"));
            case "DeleteModel" -> {
                String name = str(r, "ModelName");
                model(name);
                models.remove(name);
                yield map();
            }
            case "ListModels" -> page("Models", models.values().stream().filter(m -> contains(m.get("ModelName"), r.get("NameContains")))
                    .map(m -> map("ModelName", m.get("ModelName"), "ModelArn", m.get("ModelArn"), "CreationTime", m.get("CreationTime"))).toList(),
                    r, SAGEMAKER_LIST_PAGE, SAGEMAKER_LIST_MAX);
            case "CreateEndpointConfig" -> {
                String name = str(r, "EndpointConfigName");
                if (configs.containsKey(name)) {
                    throw validation("Cannot create already existing endpoint configuration \"" + arn("endpoint-config", name) + "\".");
                }
                for (Object v : asList(r.get("ProductionVariants"))) {
                    String model = (String) asMap(v).get("ModelName");
                    if (model == null && asMap(v).get("ManagedInstanceScaling") != null) {
                        continue; // a variant for inference components: they name the model
                    }
                    if (model == null) {
                        throw validation("ModelName is required for a production variant that hosts no inference components.");
                    }
                    if (!models.containsKey(model)) {
                        throw validation("Could not find model \"" + arn("model", model) + "\".");
                    }
                }
                configs.put(name, map("EndpointConfigName", name, "EndpointConfigArn", arn("endpoint-config", name),
                        "ProductionVariants", r.get("ProductionVariants"), "CreationTime", now()));
                tagsByArn.put(arn("endpoint-config", name), new ArrayList<>(asList(r.get("Tags"))));
                yield map("EndpointConfigArn", arn("endpoint-config", name));
            }
            case "DescribeEndpointConfig" -> config0(str(r, "EndpointConfigName"));
            case "DeleteEndpointConfig" -> {
                String name = str(r, "EndpointConfigName");
                config0(name);
                configs.remove(name);
                yield map();
            }
            case "ListEndpointConfigs" -> page("EndpointConfigs", configs.values().stream()
                    .filter(c -> contains(c.get("EndpointConfigName"), r.get("NameContains")))
                    .map(c -> map("EndpointConfigName", c.get("EndpointConfigName"), "EndpointConfigArn", c.get("EndpointConfigArn"),
                            "CreationTime", c.get("CreationTime"))).toList(), r, SAGEMAKER_LIST_PAGE, SAGEMAKER_LIST_MAX);
            case "CreateEndpoint" -> {
                String name = str(r, "EndpointName");
                String config = str(r, "EndpointConfigName");
                if (endpoints.containsKey(name)) {
                    throw validation("Cannot create already existing endpoint \"" + arn("endpoint", name) + "\".");
                }
                config0(config);
                Endpoint e = new Endpoint();
                e.name = name;
                e.configName = config;
                e.status = "Creating";
                e.created = now();
                e.modified = e.created;
                startTransition(e);
                for (Object v : asList(configs.get(config).get("ProductionVariants"))) {
                    Map<String, Object> pv = asMap(v);
                    e.desired.put((String) pv.get("VariantName"), ((BigDecimal) pv.get("InitialInstanceCount")).intValue());
                }
                endpoints.put(name, e);
                tagsByArn.put(arn("endpoint", name), new ArrayList<>(asList(r.get("Tags"))));
                yield map("EndpointArn", arn("endpoint", name));
            }
            case "DescribeEndpoint" -> {
                Endpoint changing = endpoints.get(str(r, "EndpointName"));
                if (changing != null && changing.transitionAt != 0) {
                    waitPolls++;
                    if (transitionPolls > 0 && !transitionsHeld && --changing.pollsLeft <= 0) {
                        transition(changing);
                    }
                }
                yield describeEndpoint(endpoint(str(r, "EndpointName")));
            }
            case "UpdateEndpoint" -> {
                Endpoint e = endpoint(str(r, "EndpointName"));
                String config = str(r, "EndpointConfigName");
                if (!e.status.equals("InService") && !e.status.equals("Failed")) {
                    throw validation("Cannot update in-progress endpoint \"" + arn("endpoint", e.name) + "\".");
                }
                Map<String, Object> next = config0(config);
                Map<String, Object> current = configs.get(e.configName);
                List<String> blocked = new ArrayList<>();
                for (Object v : asList(current == null ? null : current.get("ProductionVariants"))) {
                    Map<String, Object> old = asMap(v);
                    String vn = (String) old.get("VariantName");
                    if (!targets.containsKey("endpoint/" + e.name + "/variant/" + vn)) {
                        continue;
                    }
                    Map<String, Object> same = asList(next.get("ProductionVariants")).stream().map(FakeAwsServer::asMap)
                            .filter(pv -> vn.equals(pv.get("VariantName"))).findFirst().orElse(null);
                    if (same == null || !Objects.equals(same.get("InstanceType"), old.get("InstanceType"))) {
                        blocked.add(vn);
                    }
                }
                if (!blocked.isEmpty()) {
                    throw validation("The variant(s) \"" + blocked + "\" must be deregistered as scalable targets with AWS Application Auto Scaling "
                            + "before they can be removed or have their instance type updated.");
                }
                e.pendingConfig = config;
                e.pendingVariants = asList(next.get("ProductionVariants"));
                e.retain = Boolean.TRUE.equals(r.get("RetainAllVariantProperties"));
                e.status = "Updating";
                e.failureReason = null;
                e.modified = now();
                startTransition(e);
                yield map("EndpointArn", arn("endpoint", e.name));
            }
            case "DeleteEndpoint" -> {
                Endpoint e = endpoint(str(r, "EndpointName"));
                // assumption (not in the API reference): an endpoint still hosting inference components is not deleted;
                // InferScale deletes its component first, as AWS's own examples do
                List<String> hosted = components.values().stream().filter(c -> c.endpoint.equals(e.name)).map(c -> c.name).toList();
                if (!hosted.isEmpty()) {
                    throw validation("Endpoint \"" + arn("endpoint", e.name) + "\" hosts inference components " + hosted + ": delete them first.");
                }
                e.status = "Deleting";
                startTransition(e);
                yield map();
            }
            case "ListEndpoints" -> page("Endpoints", endpoints.values().stream().map(e -> map("EndpointName", e.name,
                    "EndpointArn", arn("endpoint", e.name), "CreationTime", e.created, "LastModifiedTime", e.modified,
                    "EndpointStatus", e.status)).toList(), r, SAGEMAKER_LIST_PAGE, SAGEMAKER_LIST_MAX);
            case "ListTags" -> map("Tags", tagsByArn.getOrDefault(str(r, "ResourceArn"), List.of()));
            case "AddTags" -> {
                List<Object> tags = tagsByArn.computeIfAbsent(str(r, "ResourceArn"), k -> new ArrayList<>());
                for (Object t : asList(r.get("Tags"))) {
                    Object key = asMap(t).get("Key");
                    tags.removeIf(x -> asMap(x).get("Key").equals(key));
                    tags.add(t);
                }
                yield map("Tags", tags);
            }
            default -> throw new AwsError(400, "UnknownOperationException", "the fake does not implement SageMaker." + op);
        };
    }

    // Page sizes. ListEndpoints: "This value defaults to 10" (botocore sagemaker-2017-07-24 ListEndpointsInput.MaxResults),
    // max 100 (shape MaxResults); ListEndpointConfigs and ListModels share the shape; their default of 10 is an
    // assumption (their documentation gives none). DescribeScalableTargets: 1..50, default 50; DescribeScalingPolicies:
    // 1..10, default 10 (botocore application-autoscaling-2016-02-06, MaxResults documentation of each request).
    private static final int SAGEMAKER_LIST_PAGE = 10;
    private static final int SAGEMAKER_LIST_MAX = 100;
    private static final int TARGETS_PAGE = 50;
    private static final int POLICIES_PAGE = 10;

    /**
     * One page of {@code items} under {@code key}: {@code MaxResults} of them (default {@code defaultSize}, above
     * {@code max} refused as AWS does) from the offset {@code NextToken} holds, and a {@code NextToken} when more follow.
     * The token is an offset into the list as it is at the next call (a concurrent create or delete may shift it, as
     * AWS's documentation leaves open).
     */
    private static Map<String, Object> page(String key, List<?> items, Map<String, Object> r, int defaultSize, int max) {
        int size = r.get("MaxResults") == null ? defaultSize : ((BigDecimal) r.get("MaxResults")).intValue();
        if (size < 1 || size > max) {
            throw validation("1 validation error detected: Value '" + size + "' at 'maxResults' failed to satisfy constraint: "
                    + "Member must have value between 1 and " + max);
        }
        int from = 0;
        if (r.get("NextToken") != null) {
            try {
                from = Integer.parseInt(str(r, "NextToken").substring("page-".length()));
            } catch (RuntimeException e) {
                throw validation("Invalid pagination token " + r.get("NextToken"));
            }
        }
        int to = Math.min(items.size(), from + size);
        return map(key, items.subList(Math.min(from, to), to), "NextToken", to < items.size() ? "page-" + to : null);
    }

    private static boolean contains(Object name, Object part) {
        return part == null || name.toString().contains(part.toString());
    }

    private Map<String, Object> model(String name) {
        Map<String, Object> m = models.get(name);
        if (m == null) {
            throw validation("Could not find model \"" + arn("model", name) + "\".");
        }
        return m;
    }

    private Map<String, Object> config0(String name) {
        Map<String, Object> c = configs.get(name);
        if (c == null) {
            throw validation("Could not find endpoint configuration \"" + arn("endpoint-config", name) + "\".");
        }
        return c;
    }

    private Endpoint endpoint(String name) {
        Endpoint e = endpoints.get(name);
        if (e == null) {
            throw validation("Could not find endpoint \"" + arn("endpoint", name) + "\".");
        }
        return e;
    }

    private Map<String, Object> describeEndpoint(Endpoint e) {
        List<Object> variants = new ArrayList<>();
        if (!e.status.equals("Creating") && !e.status.equals("Failed")) {
            Map<String, Object> cfg = configs.get(e.configName);
            e.desired.forEach((v, n) -> {
                Map<String, Object> pv = cfg == null ? Map.of() : asList(cfg.get("ProductionVariants")).stream().map(FakeAwsServer::asMap)
                        .filter(x -> v.equals(x.get("VariantName"))).findFirst().orElse(Map.of());
                Object managed = pv.get("ManagedInstanceScaling");
                int instances = n;
                if (managed != null) {
                    // managed instance scaling: one instance per placed copy, within MinInstanceCount..MaxInstanceCount
                    int copies = components.values().stream().filter(c -> c.endpoint.equals(e.name) && c.variant.equals(v)).mapToInt(c -> c.currentCopies).sum();
                    int min = asMap(managed).get("MinInstanceCount") == null ? 0 : ((BigDecimal) asMap(managed).get("MinInstanceCount")).intValue();
                    int max = asMap(managed).get("MaxInstanceCount") == null ? Integer.MAX_VALUE : ((BigDecimal) asMap(managed).get("MaxInstanceCount")).intValue();
                    instances = components.values().stream().anyMatch(c -> c.endpoint.equals(e.name)) ? Math.max(min, Math.min(max, copies)) : n;
                }
                variants.add(map("VariantName", v, "CurrentWeight", 1.0, "DesiredWeight", 1.0,
                        "CurrentInstanceCount", instances, "DesiredInstanceCount", instances, "ManagedInstanceScaling", managed,
                        "RoutingConfig", pv.get("RoutingConfig")));
            });
        }
        return map("EndpointName", e.name, "EndpointArn", arn("endpoint", e.name), "EndpointConfigName", e.configName,
                "ProductionVariants", variants.isEmpty() ? null : variants, "EndpointStatus", e.status, "FailureReason", e.failureReason,
                "PendingDeploymentSummary", e.pendingConfig == null ? null : map("EndpointConfigName", e.pendingConfig, "StartTime", e.modified),
                "CreationTime", e.created, "LastModifiedTime", e.modified);
    }

    // ---- Application Auto Scaling

    /** Registers the target {@code id} or changes its capacities and suspended state, as RegisterScalableTarget does. */
    private Map<String, Object> upsertTarget(String id, String dimension, Map<String, Object> r) {
        Map<String, Object> t = targets.get(id);
        if (t == null) {
            if (r.get("MinCapacity") == null || r.get("MaxCapacity") == null) {
                throw validation("MinCapacity and MaxCapacity are required to register a new scalable target");
            }
            t = map("ServiceNamespace", "sagemaker", "ResourceId", id, "ScalableDimension", dimension,
                    "RoleARN", "arn:aws:iam::" + ACCOUNT + ":role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint",
                    "CreationTime", now(), "SuspendedState", map("DynamicScalingInSuspended", false, "DynamicScalingOutSuspended", false, "ScheduledScalingSuspended", false));
            targets.put(id, t);
        }
        if (r.get("MinCapacity") != null) {
            t.put("MinCapacity", r.get("MinCapacity"));
        }
        if (r.get("MaxCapacity") != null) {
            t.put("MaxCapacity", r.get("MaxCapacity"));
        }
        if (((BigDecimal) t.get("MinCapacity")).compareTo((BigDecimal) t.get("MaxCapacity")) > 0) {
            throw validation("Minimum capacity cannot be greater than maximum capacity");
        }
        if (r.get("SuspendedState") != null) {
            asMap(t.get("SuspendedState")).putAll(asMap(r.get("SuspendedState")));
        }
        return t;
    }

    /** RegisterScalableTarget of an inference component's copy count ({@code inference-component/<name>}, min 0 allowed). */
    private Object registerComponentTarget(String id, Map<String, Object> r) {
        Component c = id.startsWith("inference-component/") ? components.get(id.substring("inference-component/".length())) : null;
        if (c == null || c.status.equals("Deleting")) {
            throw validation("Unable to find resource " + id + ": the inference component does not exist");
        }
        Map<String, Object> t = upsertTarget(id, IC_DIMENSION, r);
        if (c.status.equals("InService")) {
            int clamped = Math.max(((BigDecimal) t.get("MinCapacity")).intValue(), Math.min(((BigDecimal) t.get("MaxCapacity")).intValue(), c.desiredCopies));
            if (clamped != c.desiredCopies) {
                c.desiredCopies = clamped;
                c.currentCopies = clamped;
                activity(id, "Setting desired copy count to " + clamped + ".", "scalable target range changed");
            }
        }
        return map("ScalableTargetARN", "arn:aws:application-autoscaling:" + REGION + ":" + ACCOUNT + ":scalable-target/" + Integer.toHexString(id.hashCode()));
    }

    private Object autoScaling(String op, Map<String, Object> r) {
        return switch (op) {
            case "RegisterScalableTarget" -> {
                String id = str(r, "ResourceId");
                str(r, "ServiceNamespace");
                if (IC_DIMENSION.equals(str(r, "ScalableDimension"))) {
                    yield registerComponentTarget(id, r);
                }
                if (!DIMENSION.equals(str(r, "ScalableDimension"))) {
                    throw validation("Unsupported scalable dimension " + r.get("ScalableDimension"));
                }
                String[] parts = id.split("/");
                Endpoint e = parts.length == 4 ? endpoints.get(parts[1]) : null;
                if (e == null || !e.desired.containsKey(parts[3]) && !e.status.equals("Creating")) {
                    throw validation("Unable to find resource " + id + ": the endpoint or variant does not exist");
                }
                Map<String, Object> t = upsertTarget(id, DIMENSION, r);
                if (e.status.equals("InService")) {
                    int min = ((BigDecimal) t.get("MinCapacity")).intValue();
                    int max = ((BigDecimal) t.get("MaxCapacity")).intValue();
                    int cur = e.desired.get(parts[3]);
                    int clamped = Math.max(min, Math.min(max, cur));
                    if (clamped != cur) {
                        e.desired.put(parts[3], clamped);
                        activity(id, "Setting desired instance count to " + clamped + ".", "scalable target range changed");
                    }
                }
                yield map("ScalableTargetARN", "arn:aws:application-autoscaling:" + REGION + ":" + ACCOUNT + ":scalable-target/" + Integer.toHexString(id.hashCode()));
            }
            case "DescribeScalableTargets" -> {
                List<Object> ids = asList(r.get("ResourceIds"));
                if (ids.size() > 50) {
                    throw validation("1 validation error detected: Value at 'resourceIds' failed to satisfy constraint: Member must have length less than or equal to 50");
                }
                yield page("ScalableTargets", targets.values().stream().filter(t -> ids.isEmpty() || ids.contains(t.get("ResourceId")))
                        .filter(t -> r.get("ScalableDimension") == null || r.get("ScalableDimension").equals(t.get("ScalableDimension"))).toList(),
                        r, TARGETS_PAGE, TARGETS_PAGE);
            }
            case "DeregisterScalableTarget" -> {
                String id = str(r, "ResourceId");
                if (targets.remove(id) == null) {
                    throw new AwsError(400, "ObjectNotFoundException", "No scalable target registered for service namespace: sagemaker, resource ID: "
                            + id + ", scalable dimension: " + str(r, "ScalableDimension"));
                }
                policies.values().removeIf(p -> p.get("ResourceId").equals(id));
                yield map();
            }
            case "PutScalingPolicy" -> {
                String id = str(r, "ResourceId");
                String name = str(r, "PolicyName");
                String dimension = str(r, "ScalableDimension");
                if (!targets.containsKey(id) || !dimension.equals(targets.get(id).get("ScalableDimension"))) {
                    throw new AwsError(400, "ObjectNotFoundException", "No scalable target registered for service namespace: sagemaker, resource ID: "
                            + id + ", scalable dimension: " + dimension);
                }
                boolean step = "StepScaling".equals(r.get("PolicyType"));
                if (step ? r.get("StepScalingPolicyConfiguration") == null : r.get("TargetTrackingScalingPolicyConfiguration") == null) {
                    throw validation((step ? "StepScalingPolicyConfiguration is required for a StepScaling policy"
                            : "TargetTrackingScalingPolicyConfiguration is required for a TargetTrackingScaling policy"));
                }
                String policyArn = "arn:aws:autoscaling:" + REGION + ":" + ACCOUNT + ":scalingPolicy:" + Integer.toHexString(id.hashCode())
                        + ":resource/sagemaker/" + id + ":policyName/" + name;
                policies.put(id + "|" + name, map("PolicyARN", policyArn, "PolicyName", name, "ServiceNamespace", "sagemaker", "ResourceId", id,
                        "ScalableDimension", dimension, "PolicyType", r.get("PolicyType"),
                        "TargetTrackingScalingPolicyConfiguration", r.get("TargetTrackingScalingPolicyConfiguration"),
                        "StepScalingPolicyConfiguration", r.get("StepScalingPolicyConfiguration"),
                        "Alarms", List.of(), "CreationTime", now()));
                yield map("PolicyARN", policyArn, "Alarms", List.of());
            }
            case "DescribeScalingPolicies" -> {
                List<Object> names = asList(r.get("PolicyNames"));
                yield page("ScalingPolicies", policies.values().stream()
                        .filter(p -> r.get("ResourceId") == null || p.get("ResourceId").equals(r.get("ResourceId")))
                        .filter(p -> r.get("ScalableDimension") == null || r.get("ScalableDimension").equals(p.get("ScalableDimension")))
                        .filter(p -> names.isEmpty() || names.contains(p.get("PolicyName"))).toList(), r, POLICIES_PAGE, POLICIES_PAGE);
            }
            case "DeleteScalingPolicy" -> {
                String id = str(r, "ResourceId");
                String name = str(r, "PolicyName");
                if (policies.remove(id + "|" + name) == null) {
                    throw new AwsError(400, "ObjectNotFoundException", "No scaling policy found for service namespace: sagemaker, resource ID: "
                            + id + ", scalable dimension: " + str(r, "ScalableDimension") + ", policy name: " + name);
                }
                yield map();
            }
            case "DescribeScalingActivities" -> {
                int max = r.get("MaxResults") == null ? 50 : ((BigDecimal) r.get("MaxResults")).intValue();
                yield map("ScalingActivities", activities.stream()
                        .filter(a -> r.get("ResourceId") == null || a.get("ResourceId").equals(r.get("ResourceId"))).limit(max).toList());
            }
            default -> throw new AwsError(400, "UnknownOperationException", "the fake does not implement AnyScaleFrontendService." + op);
        };
    }

    // ---- CloudWatch (awsQuery)

    private static final List<String> ALARM_SCALARS = List.of("AlarmName", "AlarmDescription", "ActionsEnabled", "MetricName", "Namespace",
            "Statistic", "Period", "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ComparisonOperator", "TreatMissingData");

    private Object cloudWatch(String op, Map<String, String> f) {
        String ok = "<ResponseMetadata><RequestId>fake-" + System.nanoTime() + "</RequestId></ResponseMetadata>";
        return switch (op) {
            case "PutMetricAlarm" -> {
                String name = f.get("AlarmName");
                if (name == null || name.isEmpty()) {
                    throw validation("1 validation error detected: Value null at 'alarmName' failed to satisfy constraint: Member must not be null");
                }
                for (String required : List.of("ComparisonOperator", "EvaluationPeriods")) {
                    if (!f.containsKey(required)) {
                        throw new AwsError(400, "ValidationError", "The parameter " + required + " is required.");
                    }
                }
                Map<String, Object> a = new LinkedHashMap<>();
                for (String k : ALARM_SCALARS) {
                    if (f.containsKey(k)) {
                        a.put(k, f.get(k));
                    }
                }
                a.put("AlarmArn", "arn:aws:cloudwatch:" + REGION + ":" + ACCOUNT + ":alarm:" + name);
                a.put("AlarmActions", queryList(f, "AlarmActions"));
                List<Object> dims = new ArrayList<>();
                for (int i = 1; f.containsKey("Dimensions.member." + i + ".Name"); i++) {
                    dims.add(map("Name", f.get("Dimensions.member." + i + ".Name"), "Value", f.get("Dimensions.member." + i + ".Value")));
                }
                a.put("Dimensions", dims);
                a.put("StateValue", "INSUFFICIENT_DATA");
                a.put("AlarmConfigurationUpdatedTimestamp", java.time.Instant.now().toString());
                alarms.put(name, a);
                yield new XmlAnswer("<PutMetricAlarmResponse xmlns=\"" + CLOUDWATCH_XMLNS + "\">" + ok + "</PutMetricAlarmResponse>");
            }
            case "DescribeAlarms" -> {
                List<String> names = queryList(f, "AlarmNames");
                StringBuilder x = new StringBuilder("<DescribeAlarmsResponse xmlns=\"" + CLOUDWATCH_XMLNS + "\"><DescribeAlarmsResult><MetricAlarms>");
                alarms.values().stream().filter(a -> names.isEmpty() || names.contains(a.get("AlarmName"))).forEach(a -> x.append(alarmXml(a)));
                x.append("</MetricAlarms><CompositeAlarms/></DescribeAlarmsResult>").append(ok).append("</DescribeAlarmsResponse>");
                yield new XmlAnswer(x.toString());
            }
            case "DeleteAlarms" -> {
                List<String> names = queryList(f, "AlarmNames");
                List<String> missing = names.stream().filter(n -> !alarms.containsKey(n)).toList();
                if (!missing.isEmpty()) {
                    // CloudWatch API reference, DeleteAlarms: "ResourceNotFound: The named resource does not exist", HTTP 404
                    throw new AwsError(404, "ResourceNotFound", "The following alarms were not found: " + missing);
                }
                names.forEach(alarms::remove);
                yield new XmlAnswer("<DeleteAlarmsResponse xmlns=\"" + CLOUDWATCH_XMLNS + "\">" + ok + "</DeleteAlarmsResponse>");
            }
            default -> throw new AwsError(400, "InvalidAction", "the fake does not implement CloudWatch " + op);
        };
    }

    private static String alarmXml(Map<String, Object> a) {
        StringBuilder x = new StringBuilder("<member>");
        for (Map.Entry<String, Object> e : a.entrySet()) {
            x.append('<').append(e.getKey()).append('>');
            if (e.getValue() instanceof List<?> list) {
                for (Object item : list) {
                    x.append("<member>");
                    if (item instanceof Map<?, ?> dim) {
                        x.append("<Name>").append(xml(dim.get("Name"))).append("</Name><Value>").append(xml(dim.get("Value"))).append("</Value>");
                    } else {
                        x.append(xml(item));
                    }
                    x.append("</member>");
                }
            } else {
                x.append(xml(e.getValue()));
            }
            x.append("</").append(e.getKey()).append('>');
        }
        return x.append("</member>").toString();
    }
}
