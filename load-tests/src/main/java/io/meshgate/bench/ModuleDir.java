package io.meshgate.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the load-tests module directory, the anchor of the harness' default paths (RESULTS.md,
 * results/, target/, ../gateway-app/target/meshgate.jar), wherever the harness is started from.
 */
final class ModuleDir {

    private ModuleDir() {}

    static Path find() {
        String explicit = System.getProperty("bench.module");
        if (explicit != null) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        // java -jar .../load-tests/target/meshgate-bench.jar
        String classPath = System.getProperty("java.class.path", "");
        if (classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)) {
            Path target = Path.of(classPath).toAbsolutePath().normalize().getParent();
            if (target != null && target.getParent() != null && isModule(target.getParent())) {
                return target.getParent();
            }
        }
        // Maven (Surefire/Failsafe set basedir) or the repository root or the module itself as cwd
        Path cwd = Path.of("").toAbsolutePath();
        for (Path candidate :
                new Path[] {Path.of(System.getProperty("basedir", cwd.toString())), cwd.resolve("load-tests"), cwd}) {
            if (isModule(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        return cwd.resolve("load-tests");
    }

    private static boolean isModule(Path dir) {
        return dir.getFileName() != null
                && dir.getFileName().toString().equals("load-tests")
                && Files.isRegularFile(dir.resolve("pom.xml"));
    }
}
