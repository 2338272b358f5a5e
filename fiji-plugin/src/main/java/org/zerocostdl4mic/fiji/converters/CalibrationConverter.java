package org.zerocostdl4mic.fiji.converters;

import ij.ImagePlus;
import java.util.Locale;
import org.zerocostdl4mic.protos.v1.Calibration;

/** ImageJ calibrations and Calibration messages: pixel size and unit, voxel depth, frame interval in seconds. */
public final class CalibrationConverter {
    private CalibrationConverter() {
    }

    /** The message form of an ImageJ calibration; an uncalibrated image has 1-pixel pixels and an empty unit. */
    public static Calibration toMessage(ij.measure.Calibration cal) {
        Calibration.Builder message = Calibration.newBuilder();
        boolean scaled = cal.scaled() && !isPixelUnit(cal.getUnit());
        message.setPixelSizeX(scaled ? cal.pixelWidth : 1.0)
                .setPixelSizeY(scaled ? cal.pixelHeight : 1.0)
                .setPixelSizeZ(scaled ? cal.pixelDepth : 1.0)
                .setUnit(scaled ? cal.getUnit() : "");
        if (cal.frameInterval > 0)
            message.setFrameIntervalS(cal.frameInterval * secondsPerTimeUnit(cal.getTimeUnit()));
        return message.build();
    }

    /** The ImageJ calibration a message describes; unset sizes stay 1 and an empty unit means pixels. */
    public static ij.measure.Calibration fromMessage(Calibration message) {
        ij.measure.Calibration cal = new ij.measure.Calibration();
        if (!message.getUnit().isEmpty() && !isPixelUnit(message.getUnit())) {
            cal.setUnit(message.getUnit());
            cal.pixelWidth = positiveOr(message.getPixelSizeX(), 1.0);
            cal.pixelHeight = positiveOr(message.getPixelSizeY(), cal.pixelWidth);
            cal.pixelDepth = positiveOr(message.getPixelSizeZ(), 1.0);
        }
        if (message.getFrameIntervalS() > 0) {
            cal.frameInterval = message.getFrameIntervalS();
            cal.setTimeUnit("sec");
        }
        return cal;
    }

    /**
     * The calibration of a result: the input's own (units, origin and time unit kept exactly) when the result
     * has the input's width and height, else what the server sent.
     */
    public static ij.measure.Calibration forResult(ImagePlus input, int width, int height, Calibration fromServer) {
        if (input != null && input.getWidth() == width && input.getHeight() == height) {
            ij.measure.Calibration copy = input.getCalibration().copy();
            // Results are new pixel values: the input's value calibration (e.g. signed 16-bit) does not apply.
            copy.disableDensityCalibration();
            return copy;
        }
        return fromMessage(fromServer);
    }

    static boolean isPixelUnit(String unit) {
        if (unit == null || unit.isEmpty())
            return true;
        String u = unit.toLowerCase(Locale.ROOT);
        return u.equals("pixel") || u.equals("pixels") || u.equals("px");
    }

    /** Seconds in one unit of ImageJ's time unit; an unknown unit counts as seconds. */
    static double secondsPerTimeUnit(String unit) {
        String u = unit == null ? "" : unit.trim().toLowerCase(Locale.ROOT);
        switch (u) {
            case "ms":
            case "msec":
                return 1e-3;
            case "us":
            case "\u00b5s":
            case "usec":
                return 1e-6;
            case "ns":
                return 1e-9;
            case "min":
            case "mins":
            case "minute":
            case "minutes":
                return 60;
            case "h":
            case "hr":
            case "hour":
            case "hours":
                return 3600;
            case "d":
            case "day":
            case "days":
                return 86400;
            default:
                return 1;
        }
    }

    private static double positiveOr(double value, double fallback) {
        return value > 0 ? value : fallback;
    }
}
