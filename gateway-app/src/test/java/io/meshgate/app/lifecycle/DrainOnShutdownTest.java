package io.meshgate.app.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailabilityBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.support.StaticApplicationContext;

class DrainOnShutdownTest {

    private final ApplicationAvailabilityBean availability = new ApplicationAvailabilityBean();
    private final StaticApplicationContext context = new StaticApplicationContext();
    private final List<Object> published = new ArrayList<>();

    DrainOnShutdownTest() {
        context.addApplicationListener(event -> {
            if (event instanceof AvailabilityChangeEvent<?> change) {
                published.add(change.getState());
                availability.onApplicationEvent(change);
            }
        });
        context.refresh();
        AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
        published.clear();
    }

    @Test
    void aDelayAsLongAsTheShutdownPhaseIsRefusedSinceSpringWouldCutItShort() {
        assertThatIllegalArgumentException()
                .isThrownBy(() ->
                        new DrainOnShutdown(Duration.ofSeconds(30), Duration.ofSeconds(30), context, availability))
                .withMessage("meshgate.shutdown.drain-delay (PT30S) must be 0 or more and shorter than"
                        + " spring.lifecycle.timeout-per-shutdown-phase (PT30S)");
        assertThatIllegalArgumentException()
                .isThrownBy(() ->
                        new DrainOnShutdown(Duration.ofSeconds(-1), Duration.ofSeconds(30), context, availability));
    }

    @Test
    void stoppingRefusesTrafficFirstAndWithoutADelayLetsTheServerStopAtOnce() {
        DrainOnShutdown drain = new DrainOnShutdown(Duration.ZERO, Duration.ofSeconds(30), context, availability);
        drain.start();
        assertThat(drain.isRunning()).isTrue();
        assertThat(drain.getPhase())
                .as("stops before the web server (phase MAX - 1024)")
                .isGreaterThan(Integer.MAX_VALUE - 1024);
        boolean[] stopped = {false};
        drain.stop(() -> stopped[0] = true);
        assertThat(stopped[0]).isTrue();
        assertThat(drain.isRunning()).isFalse();
        assertThat(published).containsExactly(ReadinessState.REFUSING_TRAFFIC);
        assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
    }

    @Test
    void readinessIsNotAnnouncedTwiceWhenSpringAlreadyDidIt() {
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        DrainOnShutdown drain = new DrainOnShutdown(Duration.ZERO, Duration.ofSeconds(30), context, availability);
        drain.start();
        drain.stop(() -> {});
        assertThat(published).containsExactly(ReadinessState.REFUSING_TRAFFIC);
    }
}
