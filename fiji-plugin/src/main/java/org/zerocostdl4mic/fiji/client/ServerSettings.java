package org.zerocostdl4mic.fiji.client;

import ij.Prefs;
import org.zerocostdl4mic.fiji.Defaults;

/** The server address and access token, kept in ImageJ's preferences between sessions. */
public final class ServerSettings {
    private final String address;
    private final String token;

    public ServerSettings(String address, String token) {
        this.address = address == null ? "" : address.trim();
        this.token = token == null ? "" : token.trim();
    }

    public static ServerSettings load() {
        return new ServerSettings(Prefs.get(Defaults.PREF_ADDRESS, Defaults.SERVER_ADDRESS), Prefs.get(Defaults.PREF_TOKEN, ""));
    }

    public void save() {
        Prefs.set(Defaults.PREF_ADDRESS, address);
        Prefs.set(Defaults.PREF_TOKEN, token);
    }

    public String address() {
        return address;
    }

    public String token() {
        return token;
    }
}
