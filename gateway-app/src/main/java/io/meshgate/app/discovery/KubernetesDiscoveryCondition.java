package io.meshgate.app.discovery;

import java.util.Locale;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * On when {@code meshgate.kubernetes.enabled} is {@code true}, or {@code auto} (the default) and the
 * gateway runs on Kubernetes: the same test Spring Cloud Kubernetes makes before it configures its
 * client, so without a cluster (the quickstart, a laptop) nothing tries to connect.
 */
public final class KubernetesDiscoveryCondition extends SpringBootCondition {

    static final String PROPERTY = "meshgate.kubernetes.enabled";

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        String value =
                context.getEnvironment().getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true" -> ConditionOutcome.match(PROPERTY + "=true");
            case "false" -> ConditionOutcome.noMatch(PROPERTY + "=false");
            case "auto" -> CloudPlatform.KUBERNETES.isActive(context.getEnvironment())
                    ? ConditionOutcome.match(PROPERTY + "=auto and the cloud platform is Kubernetes")
                    : ConditionOutcome.noMatch(PROPERTY + "=auto and the cloud platform is not Kubernetes");
            default -> throw new IllegalStateException(PROPERTY + " must be auto, true or false, not '" + value + "'");
        };
    }

    /** Why discovery is off, for the admin view. */
    static String offReason(org.springframework.core.env.Environment environment) {
        String value = environment.getProperty(PROPERTY, "auto");
        return value.equalsIgnoreCase("false")
                ? PROPERTY + "=false"
                : PROPERTY + "=" + value + " and the gateway does not run on Kubernetes (set"
                        + " spring.main.cloud-platform=kubernetes to use a cluster from outside)";
    }
}
