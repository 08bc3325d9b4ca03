package dev.arbor.functional;

import dev.arbor.Supervisor;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compiled module descriptor (issue 2: "the named module dev.arbor, exporting dev.arbor and
 * dev.arbor.testing only", no runtime dependencies). Tests run on the class path, so the
 * descriptor is read from the compiled classes directly.
 */
class ModuleDescriptorTest {
    @Test
    void moduleIsDevArborExportingOnlyTheApiAndTestingPackagesAndRequiringOnlyJavaBase() throws Exception {
        Path classes = Path.of(Supervisor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path moduleInfo = classes.resolve("module-info.class");
        assertThat(moduleInfo).exists();

        ModuleDescriptor descriptor;
        try (InputStream in = Files.newInputStream(moduleInfo)) {
            descriptor = ModuleDescriptor.read(in);
        }

        assertThat(descriptor.name()).isEqualTo("dev.arbor");
        assertThat(descriptor.isOpen()).isFalse();
        assertThat(descriptor.exports()).allSatisfy(e -> assertThat(e.isQualified()).as("qualified export " + e).isFalse());
        assertThat(descriptor.exports().stream().map(Exports::source).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("dev.arbor", "dev.arbor.testing");
        assertThat(descriptor.opens()).isEmpty();
        assertThat(descriptor.requires().stream().map(Requires::name).collect(Collectors.toSet()))
                .containsExactly("java.base");
        // The machinery exists but stays unexported.
        assertThat(classes.resolve("dev/arbor/internal")).isDirectory();
    }
}
