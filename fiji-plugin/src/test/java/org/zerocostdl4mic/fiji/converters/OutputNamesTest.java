package org.zerocostdl4mic.fiji.converters;

import static org.junit.Assert.assertEquals;

import org.junit.Test;
import org.zerocostdl4mic.protos.v1.OutputKind;

public class OutputNamesTest {
    @Test
    public void resultTitleIsInputTitleWithoutExtensionAndKind() {
        assertEquals("cells_labels", OutputNames.resultTitle("cells.tif", OutputKind.OUTPUT_KIND_LABELS));
        assertEquals("cells_restored", OutputNames.resultTitle("cells.TIFF", OutputKind.OUTPUT_KIND_RESTORED));
        assertEquals("cells_mask", OutputNames.resultTitle("cells", OutputKind.OUTPUT_KIND_MASK));
        assertEquals("a.b_probability", OutputNames.resultTitle("a.b.png", OutputKind.OUTPUT_KIND_PROBABILITY));
        assertEquals(".tif_labels", OutputNames.resultTitle(".tif", OutputKind.OUTPUT_KIND_LABELS));
    }
}
