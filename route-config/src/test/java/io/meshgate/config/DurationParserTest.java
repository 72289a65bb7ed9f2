package io.meshgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationParserTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "250ms, PT0.25S",
        "1.5s, PT1.5S",
        "2m, PT2M",
        "1h, PT1H",
        "0.5ms, PT0.0005S",
        "0s, PT0S",
        "90s, PT1M30S",
        "' 5s ', PT5S"
    })
    void parsesANumberAndAUnit(String text, Duration expected) {
        assertThat(DurationParser.parse(text)).isEqualTo(expected);
    }

    @Test
    void asksForAUnitWhenTheNumberIsBare() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DurationParser.parse("5"))
                .withMessage("invalid duration '5'; add a unit (ms, s, m, h), such as 5s");
    }

    @Test
    void rejectsNegativeDurations() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DurationParser.parse("-1s"))
                .withMessage("invalid duration '-1s'; a duration cannot be negative");
    }

    @ParameterizedTest
    @CsvSource({"5d", "5sec", "5S", "5us"})
    void namesTheUnitsItKnows(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DurationParser.parse(text))
                .withMessageContaining("unknown unit")
                .withMessageEndingWith("expected one of: ms, s, m, h");
    }

    @ParameterizedTest
    @CsvSource({"''", "s", "1m30s", "5 s", "1.s", ".5s", "PT5S"})
    void rejectsTextThatIsNotANumberAndAUnit(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DurationParser.parse(text))
                .withMessage("invalid duration '" + text
                        + "'; expected a number and a unit (ms, s, m, h), such as 250ms or 1.5s");
    }

    @Test
    void rejectsDurationsTooLongForADuration() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DurationParser.parse("99999999999999h"))
                .withMessage("invalid duration '99999999999999h'; too long");
    }
}
