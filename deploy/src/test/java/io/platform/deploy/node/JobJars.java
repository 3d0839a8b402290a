package io.platform.deploy.node;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds a job jar from Java source in a test, as a user's build would: compiled against the platform, class named in the manifest. */
final class JobJars {
    private JobJars() {
    }

    /** A jar whose job copies readings over 30 degrees from stream readings into hot_readings (built once per directory). */
    static Path hotReadings(Path dir) throws Exception {
        Path jar = dir.resolve("hot-readings.jar");
        if (!Files.exists(jar)) {
            build(jar, "example.HotReadings", """
                    package example;

                    import io.platform.processing.jobs.JobContext;
                    import io.platform.processing.jobs.PlatformJob;

                    public final class HotReadings implements PlatformJob {
                        @Override
                        public void define(JobContext context) {
                            context.toStream(context.stream("readings").filter(r -> (Double) r.getField("temperature") > 30.0), "hot_readings");
                        }
                    }
                    """);
        }
        return jar;
    }

    static void build(Path jar, String className, String source) throws Exception {
        Path work = Files.createTempDirectory(jar.getParent(), "job-src");
        Path file = work.resolve("src").resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        Path classes = Files.createDirectories(work.resolve("classes"));
        // the platform and Flink classes the job compiles against (the surefire class path may be a manifest-only jar)
        List<String> classPath = new ArrayList<>();
        for (Class<?> type : new Class<?>[] {io.platform.processing.jobs.PlatformJob.class, io.platform.wire.schema.StreamSchema.class,
                org.apache.flink.streaming.api.datastream.DataStream.class, org.apache.flink.types.Row.class,
                org.apache.flink.api.common.functions.FilterFunction.class, org.apache.flink.api.common.functions.Function.class,
                org.apache.flink.api.common.typeinfo.TypeInformation.class}) {
            classPath.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int exit = compiler.run(null, null, null, "-d", classes.toString(), "-cp", String.join(java.io.File.pathSeparator, classPath), file.toString());
        if (exit != 0) {
            throw new IllegalStateException("job source did not compile (exit " + exit + ")");
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(io.platform.processing.jobs.JarJobs.MANIFEST_ATTRIBUTE, className);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest);
             Stream<Path> files = Files.walk(classes)) {
            for (Path classFile : files.filter(Files::isRegularFile).toList()) {
                jarOut.putNextEntry(new JarEntry(classes.relativize(classFile).toString().replace('\\', '/')));
                jarOut.write(Files.readAllBytes(classFile));
                jarOut.closeEntry();
            }
        }
    }
}
