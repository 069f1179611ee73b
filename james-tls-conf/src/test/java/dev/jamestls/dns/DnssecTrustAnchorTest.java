package dev.jamestls.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.testkit.dns.SignedZones;

class DnssecTrustAnchorTest {
    private static final String KSK_2017 = ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";

    @Test
    void ianaRootHoldsKsk2017AndKsk2024() {
        DnssecTrustAnchor anchor = DnssecTrustAnchor.ianaRoot();

        assertThat(anchor.records()).hasSize(2);
        assertThat(anchor.records().get(0)).contains("DS").contains("20326 8 2");
        assertThat(anchor.records().get(1)).contains("DS").contains("38696 8 2");
    }

    @Test
    void aFileOfDsAndDnskeyRecordsIsRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("anchors.zone");
        Files.writeString(file, "; our private root\n" + KSK_2017 + "\n\n"
            + ". 3600 IN DNSKEY 257 3 13 (\n  mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+\n"
            + "  KkxLbxILfDLUT0rAK9iUzy1L53eKGQ== )\n");

        DnssecTrustAnchor anchor = DnssecTrustAnchor.read(file);

        assertThat(anchor.records()).hasSize(2);
        assertThat(anchor.records().get(1)).contains("DNSKEY");
    }

    @Test
    void theTestRootsAnchorIsAccepted() {
        String text = SignedZones.builder().build().trustAnchor();

        assertThat(DnssecTrustAnchor.parse(text, "test root").records()).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not a record at all    | garbage here",
        "a type that anchors nothing | . IN A 192.0.2.1",
        "a directive            | $ORIGIN example.",
        "a DS missing its digest | . IN DS 20326 8 2",
        "an unclosed parenthesis | . IN DS 20326 8 2 (",
    })
    void aBadLineIsNamedWithTheFileAndItsLine(String reason, String badLine, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("anchors.zone");
        Files.writeString(file, KSK_2017 + "\n" + badLine + "\n");

        assertThatThrownBy(() -> DnssecTrustAnchor.read(file))
            .as(reason)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("line 2");
    }

    @Test
    void aFileWithoutRecordsIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("anchors.zone");
        Files.writeString(file, "; nothing here\n");

        assertThatThrownBy(() -> DnssecTrustAnchor.read(file))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(file.toString());
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        Path file = dir.resolve("missing.zone");

        assertThatThrownBy(() -> DnssecTrustAnchor.read(file))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(file.toString());
    }
}
