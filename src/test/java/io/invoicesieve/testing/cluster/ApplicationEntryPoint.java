package io.invoicesieve.testing.cluster;

import org.apache.flink.client.deployment.application.ApplicationClusterEntryPoint;
import org.apache.flink.client.program.DefaultPackagedProgramRetriever;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.entrypoint.ClusterEntrypoint;
import org.apache.flink.runtime.resourcemanager.StandaloneResourceManagerFactory;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.runtime.util.JvmShutdownSafeguard;
import org.apache.flink.runtime.util.SignalHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The JobManager of an application-mode {@link FlinkCluster}: what Flink's
 * {@code StandaloneApplicationClusterEntryPoint} (flink-container, the image's entry point that the
 * Kubernetes operator starts for a FlinkDeployment with a jarURI; not on Maven Central) does, for one
 * job jar: an {@link ApplicationClusterEntryPoint} with the standalone resource manager, whose
 * dispatcher runs the jar's main with the program arguments, in a user-code class loader over the jar
 * (the operator image's usrlib/), on a cluster classpath of Flink's lib/ only.
 *
 * <pre>
 * java -cp lib/*:entrypoint.jar io.invoicesieve.testing.cluster.ApplicationEntryPoint \
 *     --configDir conf [-D key=value]... --jarfile job.jar [--job-classname X] [-- program args...]
 * </pre>
 *
 * Program arguments follow {@code --}; without {@code --job-classname} the jar's manifest Main-Class
 * runs. {@code execution.savepoint.path} in the configuration restores the job from a savepoint.
 * FlinkCluster packs this class alone into {@code entrypoint.jar} of the cluster folder: it is the
 * only test class the JobManager JVM sees.
 */
public final class ApplicationEntryPoint extends ApplicationClusterEntryPoint {

    private static final Logger LOG = LoggerFactory.getLogger(ApplicationEntryPoint.class);

    private ApplicationEntryPoint(Configuration configuration, PackagedProgram program) {
        super(configuration, program, StandaloneResourceManagerFactory.getInstance());
    }

    public static void main(String[] args) {
        EnvironmentInformation.logEnvironmentInfo(LOG, ApplicationEntryPoint.class.getSimpleName(), args);
        SignalHandler.register(LOG);
        JvmShutdownSafeguard.installAsShutdownHook(LOG);

        String configDir = null;
        String jarFile = null;
        String jobClassName = null;
        Configuration dynamic = new Configuration();
        List<String> programArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--configDir":
                    configDir = args[++i];
                    break;
                case "--jarfile":
                    jarFile = args[++i];
                    break;
                case "--job-classname":
                    jobClassName = args[++i];
                    break;
                case "-D":
                    String[] kv = args[++i].split("=", 2);
                    dynamic.setString(kv[0], kv[1]);
                    break;
                case "--":
                    programArgs.addAll(Arrays.asList(args).subList(i + 1, args.length));
                    i = args.length;
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument " + args[i] + " (program arguments go after --)");
            }
        }
        if (configDir == null || jarFile == null) {
            throw new IllegalArgumentException("--configDir and --jarfile are required");
        }
        Configuration configuration = GlobalConfiguration.loadConfiguration(configDir, dynamic);
        PackagedProgram program;
        try {
            program = DefaultPackagedProgramRetriever.create(
                            null, new File(jarFile), jobClassName, programArgs.toArray(new String[0]), configuration)
                    .getPackagedProgram();
            configureExecution(configuration, program);
        } catch (Exception e) {
            LOG.error("Could not create the application program from {}", jarFile, e);
            System.exit(STARTUP_FAILURE_RETURN_CODE);
            return;
        }
        ClusterEntrypoint.runClusterEntrypoint(new ApplicationEntryPoint(configuration, program));
    }
}
