package dev.arbor.observer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JsonWriter}: what it writes is valid JSON that reads back to the same strings (checked
 * with Jackson, an independent parser), stays on one line, holds no character that could end an
 * HTML element or script, and encodes to UTF-8 without loss even for a lone surrogate.
 */
class JsonWriterTest {
    private final ObjectMapper jackson = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {
            "plain", "", "quote \" backslash \\ slash /", "line\nfeed\rreturn\ttab\bback\fform",
            "</script><img src=x onerror=alert(1)>", "it's & <b>bold</b>", "nul \u0000 bell \u0007 del \u007f",
            "separators \u2028 and \u2029", "emoji \uD83D\uDE00 and accents é ß 中",
    })
    void aStringReadsBackAsItWasWritten(String text) throws Exception {
        String json = new JsonWriter().beginObject().name(text).value(text).endObject().toString();
        JsonNode read = jackson.readTree(json);
        assertThat(read.get(text).asText()).isEqualTo(text);
        assertThat(json).doesNotContain("<", ">", "&", "'", "\n", "\r", "\u2028", "\u2029", "\u0000", "\u007f");
    }

    @Test
    void aLoneSurrogateIsEscapedSoThatTheUtf8IsLossless() throws Exception {
        String text = "high \uD800 then low \uDC00 reversed \uDC00\uD800 end";
        String json = new JsonWriter().value(text).toString();
        assertThat(json).contains("\\ud800", "\\udc00");
        String roundTrip = new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        assertThat(jackson.readTree(roundTrip).asText()).isEqualTo(text);
    }

    @Test
    void nestedValuesAreSeparatedByCommasAndNonFiniteNumbersAreNull() throws Exception {
        String json = new JsonWriter().beginObject()
                .name("a").beginArray().value(1).value(2.5).value(Double.NaN).value(Double.POSITIVE_INFINITY)
                .beginObject().endObject().beginArray().endArray().nullValue().endArray()
                .name("b").value(3.0)
                .name("c").value(1e-7)
                .name("d").value((String) null)
                .endObject().toString();
        assertThat(json).isEqualTo("{\"a\":[1,2.5,null,null,{},[],null],\"b\":3,\"c\":1.0E-7,\"d\":null}");
        assertThat(jackson.readTree(json).get("c").asDouble()).isEqualTo(1e-7);
    }
}
