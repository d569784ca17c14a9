package io.trainscope.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How long a status description may be: counted in the bytes it takes as a percent-encoded grpc-message. */
class MalformedRequestsTest {

    @Test
    void printableAsciiCountsOneByteEachTildeIncluded() {
        String thousand = "~".repeat(500) + "a".repeat(500);

        assertThat(MalformedRequests.bounded(thousand)).isSameAs(thousand);
        assertThat(MalformedRequests.bounded(thousand + "b")).startsWith(thousand + "... (1001 characters)");
    }

    @Test
    void percentAndNonAsciiCountThreeBytesForEachUtf8Byte() {
        assertThat(MalformedRequests.bounded("%".repeat(333))).isEqualTo("%".repeat(333));
        assertThat(MalformedRequests.bounded("%".repeat(334))).isEqualTo("%".repeat(333) + "... (334 characters)");
        assertThat(MalformedRequests.bounded("é".repeat(167))).isEqualTo("é".repeat(166) + "... (167 characters)");
    }
}
