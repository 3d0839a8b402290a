package io.platform.deploy.processing;

import io.platform.deploy.node.ConfigException;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import io.platform.processing.metrics.JobProfile;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * Where the node's Flink jobs run: the MiniCluster inside the node (the all-in-one default), or an external Flink
 * cluster reached through its JobManager's REST address ({@code flink.jobmanager}). The same job graph goes to either;
 * for an external cluster the platform's jars must be on its class path (Flink's {@code lib/}), and the checkpoint
 * directory must be one every TaskManager and the node can reach (a shared file system, or one host as in tests).
 */
interface FlinkCluster extends AutoCloseable {
    /** Submits {@code graph} (with the jars it names); returns its job id once the cluster accepted it. */
    JobID submit(StreamGraph graph) throws Exception;

    void cancel(JobID job) throws Exception;

    /** The job's status name (RUNNING, FAILED, ...). */
    String status(JobID job) throws Exception;

    /** Takes a canonical savepoint of {@code job} under {@code directory}; returns its location. */
    String savepoint(JobID job, URI directory) throws Exception;

    /** "embedded" or the external JobManager's address, for listings. */
    String describe();

    /**
     * Where job {@code id} (named {@code name}) spends its time, per task, and its last checkpoint: on the MiniCluster
     * from the node's metric bridge, on an external cluster from the JobManager's REST API (the metrics live in its
     * TaskManagers' JVMs; there, RocksDB's state figures are not read and show 0).
     */
    JobProfile.Figures profile(JobID id, String name) throws Exception;

    /** The MiniCluster inside the node. */
    static FlinkCluster embedded(Configuration conf, int slots) throws Exception {
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(slots).build());
        cluster.start();
        return new FlinkCluster() {
            @Override
            public JobID submit(StreamGraph graph) throws Exception {
                return cluster.submitJob(graph).get(60, TimeUnit.SECONDS).getJobID();
            }

            @Override
            public void cancel(JobID job) throws Exception {
                cluster.cancelJob(job).get(30, TimeUnit.SECONDS);
            }

            @Override
            public String status(JobID job) throws Exception {
                return cluster.getJobStatus(job).get(5, TimeUnit.SECONDS).name();
            }

            @Override
            public String savepoint(JobID job, URI directory) throws Exception {
                return cluster.triggerSavepoint(job, directory.toString(), false, SavepointFormatType.CANONICAL).get(120, TimeUnit.SECONDS);
            }

            @Override
            public String describe() {
                return "embedded";
            }

            @Override
            public JobProfile.Figures profile(JobID id, String name) {
                return JobProfile.fromBridge(name);
            }

            @Override
            public void close() throws Exception {
                cluster.closeAsync().get(60, TimeUnit.SECONDS);
            }
        };
    }

    /** An external cluster whose JobManager serves REST at {@code hostAndPort}. */
    static FlinkCluster external(String hostAndPort) throws Exception {
        int colon = hostAndPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostAndPort.length() - 1) {
            throw new ConfigException("flink.jobmanager=" + hostAndPort + " is not host:port: give the JobManager's REST address, e.g. "
                    + "flink-jm:8081");
        }
        Configuration conf = new Configuration();
        conf.setString("rest.address", hostAndPort.substring(0, colon));
        conf.setString("rest.port", hostAndPort.substring(colon + 1));
        // a JobManager that does not answer is reported in seconds, not after Flink's default 20 retries of 3 s
        conf.setString("rest.retry.max-attempts", "3");
        conf.setString("rest.retry.delay", "1 s");
        RestClusterClient<StandaloneClusterId> client = new RestClusterClient<>(conf, StandaloneClusterId.getInstance());
        try {
            client.listJobs().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            client.close();
            throw new ConfigException("flink.jobmanager=" + hostAndPort + ": no Flink JobManager answers there (" + e.getCause()
                    + "); start the cluster or fix the address, or leave the key empty to run jobs in the node");
        }
        return new FlinkCluster() {
            @Override
            public JobID submit(StreamGraph graph) throws Exception {
                // the graph crosses the wire: its operators travel serialized (in the node's JVM the MiniCluster takes them as they are)
                graph.serializeUserDefinedInstances();
                return client.submitJob(graph).get(120, TimeUnit.SECONDS);
            }

            @Override
            public void cancel(JobID job) throws Exception {
                client.cancel(job).get(30, TimeUnit.SECONDS);
            }

            @Override
            public String status(JobID job) throws Exception {
                return client.getJobStatus(job).get(5, TimeUnit.SECONDS).name();
            }

            @Override
            public String savepoint(JobID job, URI directory) throws Exception {
                return client.triggerSavepoint(job, directory.toString(), SavepointFormatType.CANONICAL).get(120, TimeUnit.SECONDS);
            }

            @Override
            public String describe() {
                return hostAndPort;
            }

            @Override
            public JobProfile.Figures profile(JobID id, String name) throws Exception {
                return ExternalJobMetrics.profile("http://" + hostAndPort, id);
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }
}
