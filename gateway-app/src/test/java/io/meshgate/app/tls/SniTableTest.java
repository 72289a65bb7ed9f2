package io.meshgate.app.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SniTableTest {

    private final SniTable<String> table = SniTable.of(List.of(
            new SniTable.Entry<>(List.of("shop.example.com"), "shop"),
            new SniTable.Entry<>(List.of("*.example.com", "api.test"), "wildcard"),
            new SniTable.Entry<>(List.of("shop.example.com", "*.example.com", "other.test"), "late")));

    @Test
    void exactNameBeatsWildcard() {
        assertThat(table.select("shop.example.com")).isEqualTo("shop");
        assertThat(table.select("SHOP.Example.COM")).isEqualTo("shop");
    }

    @Test
    void wildcardCoversOneLabel() {
        assertThat(table.select("a.example.com")).isEqualTo("wildcard");
        assertThat(table.select("a.b.example.com")).isEqualTo("shop");
        assertThat(table.select("example.com")).isEqualTo("shop");
    }

    @Test
    void firstEntryClaimingANameWinsAndIsTheDefault() {
        assertThat(table.select("other.test")).isEqualTo("late");
        assertThat(table.select(null)).isEqualTo("shop");
        assertThat(table.select("unknown.test")).isEqualTo("shop");
    }
}
