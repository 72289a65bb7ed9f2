package io.meshgate.retry;

import io.meshgate.config.RetryBudgetPolicy;
import io.meshgate.config.Upstream;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The retry budgets of one configuration, by upstream name: every upstream has one. A reload keeps
 * an upstream's budget, its window of requests and retries included, when the policy did not change,
 * so a reload during an outage does not hand out a fresh reserve of retries. Immutable; built when a
 * configuration is applied, read per request.
 */
public final class RetryBudgets {

    /** No budgets. */
    public static final RetryBudgets NONE = new RetryBudgets(Map.of());

    private final Map<String, RetryBudget> byUpstream;

    private RetryBudgets(Map<String, RetryBudget> byUpstream) {
        this.byUpstream = Map.copyOf(byUpstream);
    }

    /**
     * The budgets of {@code upstreams}.
     *
     * @param previous the budgets of the configuration being replaced (or {@link #NONE}): kept where
     *     percent, minimum and window are the same
     * @param nanoClock the budgets' clock ({@code System::nanoTime}; tests pass a virtual one)
     */
    public static RetryBudgets of(Collection<Upstream> upstreams, RetryBudgets previous, LongSupplier nanoClock) {
        Map<String, RetryBudget> budgets = new HashMap<>();
        for (Upstream upstream : upstreams) {
            RetryBudgetPolicy policy = upstream.retryBudget();
            RetryBudget old = previous.get(upstream.name());
            boolean same = old != null
                    && old.percent() == policy.percent()
                    && old.minPerSecond() == policy.minPerSecond()
                    && old.window().equals(policy.window());
            budgets.put(
                    upstream.name(),
                    same ? old : new RetryBudget(policy.percent(), policy.minPerSecond(), policy.window(), nanoClock));
        }
        return new RetryBudgets(budgets);
    }

    /** The upstream's budget, or null for an upstream not in the configuration. */
    public RetryBudget get(String upstream) {
        return byUpstream.get(upstream);
    }

    /** Every budget by upstream name, for metrics and the admin view. */
    public Map<String, RetryBudget> all() {
        return byUpstream;
    }
}
