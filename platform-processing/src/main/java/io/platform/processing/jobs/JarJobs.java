package io.platform.processing.jobs;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;

/**
 * Loads a {@link PlatformJob} from a job jar. The jar's classes get a class loader of their own whose parent holds the
 * platform (and Flink), so a job brings its own libraries without seeing another job's; Flink loads the same jar
 * again, child-first, on the task managers.
 */
public final class JarJobs {
    /** The manifest attribute naming a jar's job class. */
    public static final String MANIFEST_ATTRIBUTE = "Platform-Job";

    private JarJobs() {
    }

    /** A job class and the class loader holding it; close the loader when the job is no longer defined from it. */
    public record Loaded(PlatformJob job, URLClassLoader classLoader) {
    }

    /**
     * Instantiates the job class of {@code jar}: {@code className}, or when null the manifest's {@value #MANIFEST_ATTRIBUTE}.
     *
     * @throws IllegalArgumentException naming what is wrong: no such file, no class named, class missing, not a
     *                                  {@link PlatformJob}, or no public no-argument constructor
     */
    public static Loaded load(Path jar, String className) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no job jar at " + jar);
        }
        String name = className;
        if (name == null || name.isBlank()) {
            try (JarFile file = new JarFile(jar.toFile())) {
                name = file.getManifest() == null ? null : file.getManifest().getMainAttributes().getValue(MANIFEST_ATTRIBUTE);
            }
            if (name == null) {
                throw new IllegalArgumentException("the jar names no job class: add '" + MANIFEST_ATTRIBUTE
                        + ": <class>' to its manifest or give --class");
            }
        }
        URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, PlatformJob.class.getClassLoader());
        try {
            Class<?> type = Class.forName(name.trim(), true, loader);
            if (!PlatformJob.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException("class " + name + " of the jar does not implement " + PlatformJob.class.getName());
            }
            return new Loaded((PlatformJob) type.getConstructor().newInstance(), loader);
        } catch (ClassNotFoundException e) {
            loader.close();
            throw new IllegalArgumentException("the jar has no class " + name, e);
        } catch (NoSuchMethodException e) {
            loader.close();
            throw new IllegalArgumentException("job class " + name + " needs a public constructor without arguments", e);
        } catch (ReflectiveOperationException e) {
            loader.close();
            throw new IllegalArgumentException("cannot instantiate job class " + name + ": " + e, e);
        } catch (RuntimeException e) {
            loader.close();
            throw e;
        }
    }
}
