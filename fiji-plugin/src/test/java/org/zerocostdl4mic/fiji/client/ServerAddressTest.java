package org.zerocostdl4mic.fiji.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import org.junit.Test;

public class ServerAddressTest {

    @Test
    public void parsesTheForms() {
        ServerAddress a = ServerAddress.parse("http://127.0.0.1:5178");
        assertEquals("127.0.0.1", a.host());
        assertEquals(5178, a.port());
        assertFalse(a.tls());
        assertEquals("http://127.0.0.1:5178", a.toString());

        ServerAddress b = ServerAddress.parse("  gpu-box:6000/ ");
        assertEquals("gpu-box", b.host());
        assertEquals(6000, b.port());
        assertFalse(b.tls());

        ServerAddress c = ServerAddress.parse("https://lab.example.org");
        assertTrue(c.tls());
        assertEquals(443, c.port());

        assertEquals(5178, ServerAddress.parse("localhost").port());

        ServerAddress v6 = ServerAddress.parse("http://[::1]:7000");
        assertEquals("::1", v6.host());
        assertEquals(7000, v6.port());
        assertEquals("http://[::1]:7000", v6.toString());
    }

    @Test
    public void rejectsWhatIsNotAnAddressWithAdvice() {
        for (String bad : new String[] {"", "   ", "ftp://x:1", "host:notaport", "host:0", "host:70000", "http://", "a b:1"}) {
            try {
                ServerAddress.parse(bad);
                fail("accepted '" + bad + "'");
            } catch (UserFacingException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("Server..."));
            }
        }
    }
}
