package org.zerocostdl4mic.fiji.client;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.protobuf.Timestamp;
import java.util.Arrays;
import org.junit.Test;
import org.zerocostdl4mic.protos.v1.Model;

public class ModelCatalogTest {
    private static Model model(String id, String name, long created, boolean ready) {
        return Model.newBuilder().setId(id).setName(name).setReady(ready)
                .setCreatedAt(Timestamp.newBuilder().setSeconds(created)).build();
    }

    private final ModelCatalog catalog = new ModelCatalog(Arrays.asList(
            model("m1", "nuclei", 100, true),
            model("m2", "denoise", 200, true),
            model("m3", "nuclei", 300, true),
            model("m4", "", 400, true),
            model("m5", "training", 500, false)));

    @Test
    public void labelsAreReadyModelsNewestFirstWithIdsWhereNamesRepeat() {
        assertArrayEquals(new String[] {"m4", "nuclei (m3)", "denoise", "nuclei (m1)"}, catalog.labels());
    }

    @Test
    public void resolvesLabelsIdsAndNames() {
        assertEquals("m1", catalog.resolve("nuclei (m1)").getId());
        assertEquals("m2", catalog.resolve("denoise").getId());
        assertEquals("m2", catalog.resolve("m2").getId());
        assertEquals("m3", catalog.resolve("nuclei").getId()); // newest of the name
        assertEquals("m5", catalog.resolve("training").getId());
    }

    @Test
    public void unknownModelListsTheChoices() {
        try {
            catalog.resolve("nope");
            fail();
        } catch (UserFacingException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("There is no model 'nope' on the server: use one of m4,"));
        }
        try {
            new ModelCatalog(java.util.Collections.<Model>emptyList()).resolve("x");
            fail();
        } catch (UserFacingException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("Train..."));
        }
    }
}
