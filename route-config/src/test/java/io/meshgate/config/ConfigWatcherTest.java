package io.meshgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher reports each way route files change in practice within about a second. The bound
 * used here is 3 s so a busy build machine does not make the tests flaky.
 */
class ConfigWatcherTest {

    private static final Duration WITHIN = Duration.ofSeconds(3);
    private static final String ROUTES = "routes: []\n";

    @TempDir
    Path dir;

    private final AtomicInteger changes = new AtomicInteger();
    private ConfigWatcher watcher;

    @AfterEach
    void closeWatcher() {
        if (watcher != null) {
            watcher.close();
        }
    }

    private void watch(Path source) {
        watcher = new ConfigWatcher(source, changes::incrementAndGet);
        watcher.start();
    }

    private void awaitChange(int count) {
        await().atMost(WITHIN).untilAsserted(() -> assertThat(changes.get()).isGreaterThanOrEqualTo(count));
    }

    @Test
    void reportsAnInPlaceRewrite() throws IOException {
        Files.writeString(dir.resolve("routes.yaml"), ROUTES);
        watch(dir);

        Files.writeString(dir.resolve("routes.yaml"), "routes: [] # edited\n");

        awaitChange(1);
    }

    @Test
    void reportsAnAtomicRename() throws IOException {
        Files.writeString(dir.resolve("routes.yaml"), ROUTES);
        watch(dir);

        Path tmp = Files.writeString(dir.resolve(".routes.yaml.tmp"), "upstreams: {}\n");
        Files.move(tmp, dir.resolve("routes.yaml"), StandardCopyOption.ATOMIC_MOVE);

        awaitChange(1);
    }

    @Test
    void reportsAConfigMapUpdate() throws IOException {
        ConfigMapVolume volume = ConfigMapVolume.create(dir, Map.of("routes.yaml", ROUTES));
        watch(dir);

        volume.update(Map.of("routes.yaml", "upstreams: {}\n"));

        awaitChange(1);
    }

    @Test
    void reportsADeleteAndANewFile() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), ROUTES);
        watch(dir);

        Files.delete(dir.resolve("a.yaml"));
        awaitChange(1);

        Files.writeString(dir.resolve("b.yaml"), ROUTES);
        awaitChange(2);
    }

    @Test
    void watchesAFileSourceThroughItsDirectory() throws IOException {
        Path file = Files.writeString(dir.resolve("routes.yaml"), ROUTES);
        watch(file);

        Path tmp = Files.writeString(dir.resolve("routes.yaml.new"), "upstreams: {}\n");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        awaitChange(1);
    }

    @Test
    void watchesAFileSourceInAConfigMapVolume() throws IOException {
        ConfigMapVolume volume = ConfigMapVolume.create(dir, Map.of("routes.yaml", ROUTES));
        watch(dir.resolve("routes.yaml"));

        volume.update(Map.of("routes.yaml", "upstreams: {}\n"));

        awaitChange(1);
    }

    @Test
    void fingerprintAloneNoticesChangesWhenFileEventsAreMissing() throws IOException {
        ConfigMapVolume volume = ConfigMapVolume.create(dir, Map.of("routes.yaml", ROUTES));
        watcher = new ConfigWatcher(dir, ConfigWatcher.DEFAULT_DEBOUNCE, changes::incrementAndGet, false);
        watcher.start();

        volume.update(Map.of("routes.yaml", "upstreams: {}\n"));
        awaitChange(1);

        Files.delete(dir.resolve("routes.yaml"));
        awaitChange(2);
    }

    @Test
    void collectsABurstOfEventsIntoOneCallback() throws IOException {
        watcher = new ConfigWatcher(dir, Duration.ofMillis(500), changes::incrementAndGet);
        watcher.start();

        for (int i = 0; i < 5; i++) {
            Files.writeString(dir.resolve("file-" + i + ".yaml"), ROUTES);
        }

        awaitChange(1);
        await().during(Duration.ofMillis(1500))
                .atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(changes.get()).isEqualTo(1));
    }

    @Test
    void staysQuietWhileNothingChanges() throws IOException {
        ConfigMapVolume.create(dir, Map.of("routes.yaml", ROUTES));
        Files.writeString(dir.resolve("other.yaml"), ROUTES);
        watch(dir);

        // Longer than one fingerprint period: an unstable fingerprint would fire here.
        await().during(Duration.ofMillis(1500))
                .atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(changes.get()).isZero());
    }

    @Test
    void keepsWatchingAfterTheCallbackThrows() throws IOException {
        Files.writeString(dir.resolve("routes.yaml"), ROUTES);
        watcher = new ConfigWatcher(dir, () -> {
            changes.incrementAndGet();
            throw new IllegalStateException("a reload that fails");
        });
        watcher.start();

        Files.writeString(dir.resolve("routes.yaml"), "routes: [] # 1\n");
        awaitChange(1);
        Files.writeString(dir.resolve("routes.yaml"), "routes: [] # two\n");
        awaitChange(2);
    }

    @Test
    void runsOnOneDaemonThreadThatEndsOnClose() {
        watch(dir);

        assertThat(watcherThreads()).singleElement().satisfies(thread -> assertThat(thread.isDaemon())
                .isTrue());

        watcher.close();
        await().atMost(WITHIN).until(() -> watcherThreads().isEmpty());
    }

    @Test
    void doesNotCallBackAfterClose() throws IOException {
        watch(dir);
        watcher.close();

        Files.writeString(dir.resolve("routes.yaml"), ROUTES);

        await().during(Duration.ofMillis(1500))
                .atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(changes.get()).isZero());
    }

    @Test
    void startsOnlyOnce() {
        watch(dir);

        assertThatIllegalStateException().isThrownBy(watcher::start);
    }

    @Test
    void reportsASourceThatAppearsAfterStart() throws IOException {
        Path later = dir.resolve("later");
        watch(later);

        Files.createDirectory(later);
        Files.writeString(later.resolve("routes.yaml"), ROUTES);

        awaitChange(1);
    }

    private static java.util.List<Thread> watcherThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(ConfigWatcher.THREAD_NAME))
                .toList();
    }
}
