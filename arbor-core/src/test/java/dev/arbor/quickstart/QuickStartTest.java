package dev.arbor.quickstart;

import dev.arbor.SupervisorProcess;
import dev.arbor.process.ChildJvm;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's quick start is {@link QuickStart}, and it stays up until it is told to stop (issue 13, item 6). */
class QuickStartTest {
    private static final Path SOURCE = Path.of("src/test/java/dev/arbor/quickstart/QuickStart.java");
    private static final Path README = Path.of("../README.md");

    @Test
    void theReadmeShowsTheCompiledQuickStart() throws Exception {
        String source = Files.readString(SOURCE);
        Matcher region = Pattern.compile("// @start region=\"quick-start\"\\n(.*?)\\n\\s*// @end", Pattern.DOTALL)
                .matcher(source);
        assertThat(region.find()).as("the quick-start region in " + SOURCE).isTrue();
        String readme = Files.readString(README);
        Matcher block = Pattern.compile("## Quick start\\n.*?```java\\n(.*?)\\n```", Pattern.DOTALL).matcher(readme);
        assertThat(block.find()).as("a java block under README's Quick start").isTrue();

        assertThat(block.group(1)).isEqualTo(dedent(region.group(1)));
    }

    @Test
    void theQuickStartStaysUpUntilSigtermAndThenExitsWithStopped() throws Exception {
        try (ChildJvm jvm = ChildJvm.start(QuickStart.class)) {
            jvm.awaitStderr("orders: running");
            assertThat(jvm.isAlive()).as("main has returned into SupervisorProcess.run, the JVM stays up").isTrue();

            jvm.sigterm();

            assertThat(jvm.awaitExit()).isEqualTo(SupervisorProcess.STOPPED);
            assertThat(jvm.stderr()).contains("orders: stopped cleanly");
        }
    }

    private static String dedent(String text) {
        List<String> lines = text.lines().toList();
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().map(l -> l.length() >= indent ? l.substring(indent) : l.strip())
                .collect(Collectors.joining("\n"));
    }
}
