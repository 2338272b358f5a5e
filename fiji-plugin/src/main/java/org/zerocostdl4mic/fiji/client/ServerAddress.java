package org.zerocostdl4mic.fiji.client;

import java.util.Locale;
import org.zerocostdl4mic.fiji.Defaults;

/** Where the server listens: "http://host:port" (plain HTTP/2, the server's default), "https://host:port", or "host:port". */
public final class ServerAddress {
    private final String host;
    private final int port;
    private final boolean tls;

    private ServerAddress(String host, int port, boolean tls) {
        this.host = host;
        this.port = port;
        this.tls = tls;
    }

    public static ServerAddress parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty())
            throw invalid(text);
        boolean tls = false;
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://")) {
            tls = true;
            s = s.substring(8);
        } else if (lower.startsWith("http://")) {
            s = s.substring(7);
        } else if (lower.contains("://")) {
            throw invalid(text);
        }
        int slash = s.indexOf('/');
        if (slash >= 0)
            s = s.substring(0, slash);
        String host;
        String portText = null;
        if (s.startsWith("[")) { // IPv6 literal: [::1]:5178
            int close = s.indexOf(']');
            if (close < 0)
                throw invalid(text);
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (rest.startsWith(":"))
                portText = rest.substring(1);
            else if (!rest.isEmpty())
                throw invalid(text);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon >= 0 && s.indexOf(':') == colon) {
                host = s.substring(0, colon);
                portText = s.substring(colon + 1);
            } else {
                host = s;
            }
        }
        if (host.isEmpty() || host.contains(" "))
            throw invalid(text);
        int port = tls ? 443 : Defaults.SERVER_PORT;
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw invalid(text);
            }
            if (port < 1 || port > 65535)
                throw invalid(text);
        }
        return new ServerAddress(host, port, tls);
    }

    private static UserFacingException invalid(String text) {
        return new UserFacingException("'" + text + "' is not a server address: write it like "
                + Defaults.SERVER_ADDRESS + " in Plugins > ZeroCostDL4Mic > Server...");
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public boolean tls() {
        return tls;
    }

    @Override
    public String toString() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return (tls ? "https://" : "http://") + h + ":" + port;
    }
}
