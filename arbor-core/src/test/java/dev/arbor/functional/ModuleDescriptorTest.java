package dev.arbor.functional;

import dev.arbor.Supervisor;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
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
                .as("JDK modules only: no third-party dependency").containsExactlyInAnyOrder("java.base", "jdk.jfr");
        // The machinery exists but stays unexported.
        assertThat(classes.resolve("dev/arbor/internal")).isDirectory();
    }

    /** Issue 14: the API package is only the API; machinery lives in dev.arbor.internal. */
    @Test
    void everyTopLevelTypeInTheApiPackageIsPublic() throws Exception {
        Path classes = Path.of(Supervisor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> notPublic = new ArrayList<>();
        try (Stream<Path> files = Files.list(classes.resolve("dev/arbor"))) {
            for (Path file : files.toList()) {
                String fileName = file.getFileName().toString();
                if (!fileName.endsWith(".class") || fileName.contains("$") || fileName.equals("package-info.class")) {
                    continue;
                }
                Class<?> type = Class.forName("dev.arbor." + fileName.substring(0, fileName.length() - 6));
                if (!Modifier.isPublic(type.getModifiers())) {
                    notPublic.add(type.getName());
                }
            }
        }
        assertThat(notPublic).as("package-private types in dev.arbor").isEmpty();
    }
}
