package dev.arbor.observer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 GET on a plain socket, for what {@code java.net.http} will not do: send any
 * {@code Host} header, and hang up in the middle of a stream.
 */
final class RawClient implements AutoCloseable {
    private final Socket socket = new Socket();
    private final BufferedReader in;
    private final String statusLine;

    RawClient(URI base, String path, String host) throws IOException {
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
        socket.setSoTimeout(10_000);   // a read that hangs fails the test instead
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        statusLine = in.readLine();
    }

    static String hostOf(URI base) {
        return base.getHost() + ":" + base.getPort();
    }

    int status() {
        return Integer.parseInt(statusLine.split(" ")[1]);
    }

    /** Reads on (through headers and chunk sizes) until the data line of the next snapshot event. */
    String nextSnapshot() throws IOException {
        boolean inEvent = false;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("event: snapshot")) {
                inEvent = true;
            } else if (inEvent && line.startsWith("data: ")) {
                return line.substring("data: ".length());
            }
        }
        throw new IOException("the stream ended");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
