package io.invoicesieve.serde;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.shaded.guava31.com.google.common.hash.Hashing;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

class TraceIdsTest {

    /** Pinned: a trace id must not change between releases without saying so (replays, search, joins). */
    @Test
    void pinnedValue() {
        assertThat(InvoiceParser.traceId("acme", "acme-000001")).isEqualTo(PINNED);
    }

    static final String PINNED = "4424a057-6bcf-82bb-82cf-526845ca4b31";

    @Test
    void versionEightVariantTen() {
        UUID id = UUID.fromString(TraceIds.of("acme", "acme-000001"));
        assertThat(id.version()).isEqualTo(8);
        assertThat(id.variant()).isEqualTo(2);
    }

    /** The hand-written hash is MurmurHash3 x64 128 of the UTF-16LE bytes, at every tail length. */
    @Test
    void isMurmur3OverUtf16le() {
        SplittableRandom random = new SplittableRandom(7);
        for (int len = 0; len < 40; len++) {
            for (int rep = 0; rep < 20; rep++) {
                String tenant = "t" + random.nextInt(1000);
                StringBuilder invoice = new StringBuilder();
                for (int i = 0; i < len; i++) {
                    invoice.append((char) (rep % 2 == 0 ? 'a' + random.nextInt(26) : random.nextInt(0xD800)));
                }
                String in = tenant + '\u001f' + invoice;
                byte[] expected = Hashing.murmur3_128(0).hashBytes(in.getBytes(StandardCharsets.UTF_16LE)).asBytes();
                ByteBuffer bb = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
                long[] got = TraceIds.murmur3(tenant, invoice.toString());
                assertThat(got).containsExactly(bb.getLong(), bb.getLong());
            }
        }
    }

    @Test
    void pairsDoNotCollide() {
        Set<String> seen = new HashSet<>();
        for (int t = 0; t < 20; t++) {
            for (int i = 0; i < 20_000; i++) {
                assertThat(seen.add(TraceIds.of("tenant-" + t, "inv-" + i))).isTrue();
            }
        }
        assertThat(TraceIds.of("ab", "c")).isNotEqualTo(TraceIds.of("a", "bc"));
    }
}
