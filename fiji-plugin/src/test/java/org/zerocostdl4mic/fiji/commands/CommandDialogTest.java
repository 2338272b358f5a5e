package org.zerocostdl4mic.fiji.commands;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import ij.Macro;
import org.junit.After;
import org.junit.Test;
import org.zerocostdl4mic.fiji.client.UserFacingException;

/** Without windows the dialog reads macro options as GenericDialog does. */
public class CommandDialogTest {

    @After
    public void clearOptions() {
        Macro.setOptions(Thread.currentThread(), null);
    }

    private static CommandDialog withOptions(String options) {
        Thread.currentThread().setName("Run$_test");
        Macro.setOptions(Thread.currentThread(), options);
        return new CommandDialog("Test", true);
    }

    @Test
    public void readsKeysAndKeepsDefaultsOfAbsentOnes() {
        CommandDialog d = withOptions("model=[my model] tile=256 input_folder=/data/in weights=last show");
        d.addChoice("model", new String[] {"a"}, "a");
        d.addString("input_folder (for input=folder)", "", 10);
        d.addString("output_folder (empty: default)", "keep", 10);
        d.addNumber("tile size in pixels", 0, 0);
        d.addNumber("overlap in pixels", 16, 0);
        d.addNumber("threshold", 0.5, 3);
        d.addChoice("weights", new String[] {"best", "last"}, "best");
        d.addCheckbox("show images", false);
        d.addCheckbox("hide images", true);
        assertTrue(d.show());
        assertEquals("my model", d.nextChoice());
        assertEquals("/data/in", d.nextString());
        assertEquals("keep", d.nextString());
        assertEquals(256, d.nextNumber(), 0);
        assertEquals(16, d.nextNumber(), 0);
        assertEquals(0.5, d.nextNumber(), 0);
        assertEquals("last", d.nextChoice());
        assertTrue(d.nextBoolean());
        assertFalse("an absent checkbox is false, as in GenericDialog", d.nextBoolean());
    }

    @Test
    public void keysInsideBracketsOrValuesAreNotCheckboxes() {
        assertTrue(CommandDialog.hasKey("test ", "test"));
        assertTrue(CommandDialog.hasKey("address=x test", "test"));
        assertFalse(CommandDialog.hasKey("address=[a test b]", "test"));
        assertFalse(CommandDialog.hasKey("address=test", "test"));
        assertFalse(CommandDialog.hasKey("contest", "test"));
    }

    @Test
    public void badNumberNamesTheKey() {
        CommandDialog d = withOptions("tile=big");
        d.addNumber("tile size", 0, 0);
        d.show();
        try {
            d.nextNumber();
            fail();
        } catch (UserFacingException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("tile"));
        }
    }

    @Test
    public void withoutOptionsEverythingIsDefault() {
        Thread.currentThread().setName("main");
        CommandDialog d = new CommandDialog("Test", true);
        d.addString("address", "http://x:1", 10);
        d.addNumber("epochs", 100, 0);
        d.show();
        assertEquals("http://x:1", d.nextString());
        assertEquals(100, d.nextNumber(), 0);
    }
}
