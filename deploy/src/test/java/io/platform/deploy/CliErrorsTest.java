package io.platform.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** What a command says when it cannot do its work: the address it tried and what to do, never a bare "null". */
class CliErrorsTest {
    @Test
    void aServiceThatIsNotRunningIsNamedWithTheOptionThatPointsAtIt() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String gateway = "http://127.0.0.1:" + closedPort;
        StringWriter err = new StringWriter();
        int code = PlatformCli.commandLine().setErr(new PrintWriter(err, true)).execute("schema", "list", "--gateway", gateway);
        assertEquals(1, code);
        assertEquals("error: cannot connect to --gateway " + gateway + ": is a node running there? Start one with 'bin/platform up',"
                + " or point --gateway at yours", err.toString().strip());

        StringWriter queryErr = new StringWriter();
        PlatformCli.commandLine().setErr(new PrintWriter(queryErr, true)).execute("query", "--url", gateway, "SELECT 1");
        assertTrue(queryErr.toString().contains("cannot connect to --url " + gateway), queryErr.toString());
    }
}
