package org.zerocostdl4mic.fiji.converters;

import static org.junit.Assert.assertEquals;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import org.junit.Test;
import org.zerocostdl4mic.protos.v1.Calibration;

public class CalibrationConverterTest {

    @Test
    public void calibratedImageRoundTrips() {
        ij.measure.Calibration cal = new ij.measure.Calibration();
        cal.pixelWidth = 0.1625;
        cal.pixelHeight = 0.1625;
        cal.pixelDepth = 0.5;
        cal.setUnit("micron");
        cal.frameInterval = 30;
        Calibration message = CalibrationConverter.toMessage(cal);
        assertEquals(0.1625, message.getPixelSizeX(), 0);
        assertEquals(0.5, message.getPixelSizeZ(), 0);
        assertEquals("micron", message.getUnit());
        assertEquals(30, message.getFrameIntervalS(), 0);
        ij.measure.Calibration back = CalibrationConverter.fromMessage(message);
        assertEquals(cal.pixelWidth, back.pixelWidth, 0);
        assertEquals(cal.pixelHeight, back.pixelHeight, 0);
        assertEquals(cal.pixelDepth, back.pixelDepth, 0);
        assertEquals(cal.getUnit(), back.getUnit());
        assertEquals(cal.frameInterval, back.frameInterval, 0);
        assertEquals("sec", back.getTimeUnit());
    }

    @Test
    public void uncalibratedImageIsOnePixelAndEmptyUnit() {
        Calibration message = CalibrationConverter.toMessage(new ij.measure.Calibration());
        assertEquals("", message.getUnit());
        assertEquals(1.0, message.getPixelSizeX(), 0);
        assertEquals(0, message.getFrameIntervalS(), 0);
        ij.measure.Calibration back = CalibrationConverter.fromMessage(message);
        assertEquals("pixel", back.getUnit());
        assertEquals(1.0, back.pixelWidth, 0);
    }

    @Test
    public void frameIntervalIsConvertedToSeconds() {
        ij.measure.Calibration cal = new ij.measure.Calibration();
        cal.frameInterval = 2;
        cal.setTimeUnit("min");
        assertEquals(120, CalibrationConverter.toMessage(cal).getFrameIntervalS(), 1e-12);
        cal.setTimeUnit("ms");
        assertEquals(0.002, CalibrationConverter.toMessage(cal).getFrameIntervalS(), 1e-12);
    }

    @Test
    public void resultOfTheInputSizeKeepsTheInputCalibrationExactly() {
        ImagePlus input = new ImagePlus("in", new ByteProcessor(8, 6));
        ij.measure.Calibration cal = input.getCalibration();
        cal.pixelWidth = 0.3;
        cal.pixelHeight = 0.4;
        cal.setUnit("nm");
        cal.frameInterval = 1.5;
        cal.setTimeUnit("min");
        cal.xOrigin = 3;
        ij.measure.Calibration result = CalibrationConverter.forResult(input, 8, 6, Calibration.getDefaultInstance());
        assertEquals(0.3, result.pixelWidth, 0);
        assertEquals(0.4, result.pixelHeight, 0);
        assertEquals("nm", result.getUnit());
        assertEquals(1.5, result.frameInterval, 0);
        assertEquals("min", result.getTimeUnit());
        assertEquals(3, result.xOrigin, 0);

        Calibration server = Calibration.newBuilder().setPixelSizeX(0.6).setPixelSizeY(0.8).setUnit("nm").build();
        ij.measure.Calibration resized = CalibrationConverter.forResult(input, 4, 3, server);
        assertEquals(0.6, resized.pixelWidth, 0);
        assertEquals(0.8, resized.pixelHeight, 0);
    }
}
