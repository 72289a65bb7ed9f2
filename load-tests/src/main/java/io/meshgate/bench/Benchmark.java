package io.meshgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark's command line: compares a direct connection to the upstream, nginx, stock Spring
 * Cloud Gateway and meshgate's variants over HTTP and TLS at several keep-alive connection counts,
 * and appends the result to {@code load-tests/RESULTS.md} with a chart in {@code load-tests/results/}.
 * See {@code load-tests/README.md}.
 */
@Command(
        name = "meshgate-bench",
        mixinStandardHelpOptions = true,
        version = "meshgate-bench 0.1",
        sortOptions = false,
        usageHelpWidth = 110,
        description = {
            "Compares direct, nginx, stock Spring Cloud Gateway and meshgate (and its feature variants) with wrk,",
            "over HTTP and TLS, pinned to CPUs, in interleaved rounds, and appends medians and ratios to nginx",
            "to load-tests/RESULTS.md with a chart in load-tests/results/.",
            "Exit status: 0 all targets ran without errors; 1 a target failed to start or had errors; 2 usage."
        })
public final class Benchmark implements Callable<Integer> {

    /**
     * The gateways' JVM options unless {@code --jvm-opts} says otherwise: meshgate's shipped ones
     * ({@code k8s/jvm.options}, see {@link JvmOptionsFile}) and these, the heap the Deployment gives it
     * (a quarter of its 512 MiB limit) and the one core the proxy is pinned to.
     */
    static final String DEFAULT_JVM_OPTS = "-Xms128m -Xmx128m -XX:ActiveProcessorCount=1";

    @Option(
            names = "--quick",
            description = "Few-second warm-up and runs, 2 rounds, results under target/ (not comparable numbers).")
    boolean quick;

    @Option(
            names = "--smoke",
            description = "CI smoke: direct, nginx, meshgate; 16 connections; 1 round of 2 s; results under target/.")
    boolean smoke;

    @Option(
            names = "--targets",
            split = ",",
            paramLabel = "NAME",
            completionCandidates = Targets.Names.class,
            description = "Targets in order (default: all). Known: ${COMPLETION-CANDIDATES}")
    List<String> targets;

    @Option(
            names = {"-c", "--connections"},
            split = ",",
            paramLabel = "N",
            description = "Keep-alive connection counts (default: 16,64,256).")
    List<Integer> connections;

    @Option(names = "--rounds", paramLabel = "N", description = "Interleaved rounds per connection count (default: 3).")
    Integer rounds;

    @Option(
            names = {"-d", "--duration"},
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "One measured run, e.g. 15s (default: 15s).")
    Duration duration;

    @Option(
            names = "--warmup",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Longest warm-up per JVM target; nginx and direct get one short slice (default: 120s).")
    Duration warmupMax;

    @Option(
            names = "--warmup-min",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Shortest warm-up per JVM target before it may stop as stable (default: 40s).")
    Duration warmupMin;

    @Option(
            names = "--warmup-slice",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Warm-up runs in slices until three in a row agree within 5 %% (default: 10s).")
    Duration warmupSlice;

    @Option(names = "--warmup-connections", paramLabel = "N", description = "Connections during warm-up (default: 64).")
    Integer warmupConnections;

    @Option(
            names = "--settle",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Unmeasured run per target before each connection count's rounds (default: 5s).")
    Duration settle;

    @Option(names = "--label", paramLabel = "TEXT", description = "Note in the results heading.")
    String label;

    @Option(
            names = "--results-file",
            paramLabel = "FILE",
            description = "Markdown file to append to (default: load-tests/RESULTS.md; target/ for --quick/--smoke).")
    Path resultsFile;

    @Option(
            names = "--chart-dir",
            paramLabel = "DIR",
            description = "Where the PNG chart and CSV of raw runs go (default: load-tests/results/).")
    Path chartDir;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description = "Configs, certificates, child logs (default: load-tests/target/bench-PROFILE/work).")
    Path workDir;

    @Option(
            names = "--meshgate-jar",
            paramLabel = "JAR",
            description = "meshgate (default: gateway-app/target/meshgate.jar).")
    Path meshgateJar;

    @Option(
            names = "--baseline-jar",
            paramLabel = "JAR",
            description = "Another meshgate build, run as target meshgate-baseline (in 'all' only when given): the"
                    + " change under test against it, in the same interleaved rounds.")
    Path baselineJar;

    @Option(
            names = "--stock-scg-jar",
            paramLabel = "JAR",
            description = "Stock Spring Cloud Gateway (default: load-tests/target/meshgate-bench-stock-scg.jar).")
    Path stockScgJar;

    @Option(names = "--java", paramLabel = "PATH", description = "java for the gateways (default: this JVM's).")
    String java;

    @Option(
            names = "--jvm-opts",
            paramLabel = "OPTS",
            description = "JVM options of every gateway (default: k8s/jvm.options and " + DEFAULT_JVM_OPTS + ").")
    String jvmOpts;

    @Option(
            names = "--fat-jar",
            description = "Run the gateways' jars as they are, not extracted with a CDS archive from a training run"
                    + " (the layout meshgate's image ships, k8s/Dockerfile).")
    boolean fatJar;

    @Option(names = "--proxy-cpus", paramLabel = "LIST", description = "CPUs of the proxy under test (default: 0).")
    String proxyCpus = "0";

    @Option(names = "--upstream-cpus", paramLabel = "LIST", description = "CPUs of the upstream nginx (default: 1).")
    String upstreamCpus = "1";

    @Option(names = "--client-cpus", paramLabel = "LIST", description = "CPUs of wrk (default: 1).")
    String clientCpus = "1";

    @Option(names = "--no-pin", description = "Do not pin processes to CPUs.")
    boolean noPin;

    @Option(names = "--wrk-threads", paramLabel = "N", description = "wrk threads (default: CPUs in --client-cpus).")
    Integer wrkThreads;

    @Option(
            names = "--wrk-timeout",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "A response slower than this is a timeout error (default: 5s).")
    Duration wrkTimeout = Duration.ofSeconds(5);

    @Option(
            names = "--start-timeout",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Longest wait for a target's first proxied 200 (default: 120s).")
    Duration startTimeout = Duration.ofSeconds(120);

    private final String[] args;

    /** For picocli and tests: the arguments are recorded in the results as the command. */
    public Benchmark(String... args) {
        this.args = args.clone();
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the benchmark with these arguments and returns the exit status. */
    public static int run(String... args) {
        return new CommandLine(new Benchmark(args)).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = settings();
        List<String> missing = missingPrerequisites(settings);
        if (!missing.isEmpty()) {
            System.err.println("meshgate-bench cannot run:");
            missing.forEach(m -> System.err.println("  - " + m));
            return 1;
        }
        Comparison.Outcome outcome = new Comparison(settings).run();
        Report.write(outcome);
        return outcome.clean() ? 0 : 1;
    }

    private Settings settings() {
        Path module = ModuleDir.find();
        String profile = smoke ? "smoke" : quick ? "quick" : "full";
        boolean full = profile.equals("full");
        Path scratch = module.resolve("target").resolve("bench-" + profile);
        List<String> targetNames =
                targets != null ? targets : smoke ? List.of("direct", Targets.NGINX, Targets.MESHGATE) : List.of("all");
        List<Integer> conns = connections != null ? connections : smoke ? List.of(16) : List.of(16, 64, 256);
        Duration slice =
                or(warmupSlice, full ? Duration.ofSeconds(10) : smoke ? Duration.ofSeconds(2) : Duration.ofSeconds(5));
        boolean pin = !noPin && taskset() && Runtime.getRuntime().availableProcessors() >= 2;
        String command = System.getProperty("bench.command", "java -jar load-tests/target/meshgate-bench.jar");
        return new Settings(
                profile,
                label,
                (command + " " + Arrays.stream(args).map(Benchmark::shellQuoted).collect(Collectors.joining(" ")))
                        .strip(),
                Targets.named(targetNames, baselineJar != null),
                conns,
                or(rounds, full ? 3 : smoke ? 1 : 2),
                or(duration, full ? Duration.ofSeconds(15) : smoke ? Duration.ofSeconds(2) : Duration.ofSeconds(5)),
                or(warmupMax, full ? Duration.ofSeconds(120) : slice),
                or(warmupMin, full ? Duration.ofSeconds(40) : Duration.ZERO),
                slice,
                or(warmupConnections, smoke ? conns.get(0) : 64),
                or(settle, full ? Duration.ofSeconds(5) : smoke ? Duration.ZERO : Duration.ofSeconds(2)),
                or(resultsFile, full ? module.resolve("RESULTS.md") : scratch.resolve("RESULTS.md")),
                or(chartDir, full ? module.resolve("results") : scratch),
                or(workDir, scratch.resolve("work")),
                or(meshgateJar, module.resolveSibling("gateway-app").resolve("target/meshgate.jar")),
                baselineJar,
                or(stockScgJar, module.resolve("target/meshgate-bench-stock-scg.jar")),
                or(java, Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                jvmOpts != null ? Arrays.asList(jvmOpts.trim().split("\\s+")) : defaultJvmOpts(module),
                !fatJar,
                new CpuPinning(proxyCpus, upstreamCpus, clientCpus, pin),
                or(wrkThreads, pin ? CpuPinning.count(clientCpus) : 2),
                wrkTimeout,
                startTimeout);
    }

    private static List<String> defaultJvmOpts(Path module) {
        List<String> options =
                new ArrayList<>(JvmOptionsFile.read(module.resolveSibling("k8s").resolve("jvm.options")));
        options.addAll(Arrays.asList(DEFAULT_JVM_OPTS.split(" ")));
        return options;
    }

    /** An argument as a shell needs it to be typed again: quoted when it has spaces or special characters. */
    static String shellQuoted(String arg) {
        return arg.matches("[A-Za-z0-9_./:=,@%+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /** What is missing to run these targets: binaries and jars, each with how to get it. */
    static List<String> missingPrerequisites(Settings settings) {
        List<String> missing = new ArrayList<>();
        for (String binary : List.of("wrk", "nginx", "openssl")) {
            if (!onPath(binary)) {
                missing.add(binary + " is not on the PATH (Debian: apt-get install -y " + binary + ")");
            }
        }
        if (settings.uses(TargetSpec.Kind.MESHGATE) && !isExecutableJar(settings.meshgateJar())) {
            missing.add("no meshgate jar at " + settings.meshgateJar()
                    + " (build it: ./mvnw -q -B install -DskipTests, or leave meshgate out with --targets)");
        }
        if (settings.uses(TargetSpec.Kind.MESHGATE_BASELINE)
                && (settings.baselineJar() == null || !isExecutableJar(settings.baselineJar()))) {
            missing.add("no baseline jar" + (settings.baselineJar() == null ? "" : " at " + settings.baselineJar())
                    + " (--baseline-jar JAR: e.g. gateway-app/target/meshgate.jar of another commit, copied aside)");
        }
        if ((settings.uses(TargetSpec.Kind.STOCK_SCG)
                        || settings.uses(TargetSpec.Kind.NETTY_FLOOR)
                        || settings.uses(TargetSpec.Kind.REACTOR_FLOOR))
                && !isExecutableJar(settings.stockScgJar())) {
            missing.add("no stock SCG jar at " + settings.stockScgJar()
                    + " (build it: ./mvnw -q -B -pl load-tests -am install -DskipTests)");
        }
        return missing;
    }

    private static boolean isExecutableJar(Path jar) {
        try {
            return Files.isRegularFile(jar) && Files.size(jar) > 1024;
        } catch (IOException e) {
            return false;
        }
    }

    static boolean onPath(String binary) {
        return !which(binary).equals(binary);
    }

    /** The absolute path of a binary on the PATH (or in /usr/sbin, where nginx lives), else the name. */
    static String which(String binary) {
        List<String> dirs = new ArrayList<>(
                Arrays.asList(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin"));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return Path.of(dir, binary).toAbsolutePath().toString();
            }
        }
        return binary;
    }

    private static boolean taskset() {
        try {
            Process p = new ProcessBuilder("taskset", "-c", "0", "true")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Reads {@code 15s}, {@code 2m}, {@code 500ms} or a plain number of seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m)?");

        @Override
        public Duration convert(String value) {
            Matcher m = FORMAT.matcher(value.trim());
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration; expected e.g. 15s, 2m or 500ms");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            };
        }
    }
}
