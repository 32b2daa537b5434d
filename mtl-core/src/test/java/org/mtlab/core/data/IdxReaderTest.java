package org.mtlab.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

/** The one IDX reader, against byte arrays written out by hand (big-endian, as the format says). */
class IdxReaderTest {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static IdxReader.IdxFile read(byte[] content) throws IOException {
        return IdxReader.read(new ByteArrayInputStream(content), "test file");
    }

    private static String error(byte[] content) {
        return assertThrows(IllegalArgumentException.class, () -> read(content)).getMessage();
    }

    /** Two 1×2 images of unsigned bytes: 5, 250 and 7, 9. */
    private static final byte[] IMAGES = bytes(0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 5, 250, 7, 9);

    @Test
    void unsignedBytesStayBytes() throws IOException {
        IdxReader.IdxFile file = read(IMAGES);
        assertEquals(0x08, file.type());
        assertArrayEquals(new int[] {2, 1, 2}, file.dims());
        assertEquals(2, file.count());
        assertArrayEquals(bytes(5, 250, 7, 9), file.bytes());
        assertNull(file.values());
        assertEquals(250, file.value(1), "an unsigned byte reads 0..255");
    }

    @Test
    void everyNumberTypeIsReadAsItsValue() throws IOException {
        // signed bytes: 0xff is -1
        IdxReader.IdxFile signed = read(bytes(0, 0, 0x09, 1, 0, 0, 0, 2, 0xff, 0x7f));
        assertArrayEquals(new double[] {-1, 127}, signed.values());
        // shorts: 0xfffe is -2, 0x0102 is 258
        IdxReader.IdxFile shorts = read(bytes(0, 0, 0x0b, 1, 0, 0, 0, 2, 0xff, 0xfe, 0x01, 0x02));
        assertArrayEquals(new double[] {-2, 258}, shorts.values());
        // ints: 0x00010000 is 65536, 0xffffffff is -1
        IdxReader.IdxFile ints = read(bytes(0, 0, 0x0c, 1, 0, 0, 0, 2, 0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff));
        assertArrayEquals(new double[] {65536, -1}, ints.values());
        // floats: 0x3fc00000 is 1.5
        IdxReader.IdxFile floats = read(bytes(0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0));
        assertArrayEquals(new double[] {1.5}, floats.values());
        // doubles: 0xbfd0000000000000 is -0.25
        IdxReader.IdxFile doubles = read(bytes(0, 0, 0x0e, 1, 0, 0, 0, 1, 0xbf, 0xd0, 0, 0, 0, 0, 0, 0));
        assertArrayEquals(new double[] {-0.25}, doubles.values());
        assertEquals(-0.25, doubles.value(0));
    }

    @Test
    void gzipIsRecognisedByContent() throws IOException {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (OutputStream z = new GZIPOutputStream(zipped)) {
            z.write(IMAGES);
        }
        IdxReader.IdxFile file = read(zipped.toByteArray());
        assertArrayEquals(new int[] {2, 1, 2}, file.dims());
        assertArrayEquals(bytes(5, 250, 7, 9), file.bytes());
    }

    @Test
    void aWrongMagicNumberIsNamed() {
        assertTrue(error(bytes(0x12, 0, 0x08, 3)).startsWith("test file is not an IDX file: magic number 0x12000803"));
        assertTrue(error(bytes(0, 0, 0x0a, 1, 0, 0, 0, 0)).contains("magic number 0x00000a01"), "no type 0x0a");
        assertTrue(error(bytes(0, 0, 0x08, 0)).contains("magic number 0x00000800"), "no dimensions");
        assertEquals("test file is not an IDX file: shorter than its 4-byte magic number", error(bytes(0, 0)));
    }

    @Test
    void truncatedAndNegativeDimensionsAreNamed() {
        assertEquals("test file is truncated: its header declares [2, 1, 2] values of unsigned bytes, the file ends "
                + "before", error(java.util.Arrays.copyOf(IMAGES, IMAGES.length - 1)));
        assertEquals("test file is truncated: the file ends inside its header of 3 dimensions",
                error(java.util.Arrays.copyOf(IMAGES, 10)));
        assertEquals("test file is truncated: its header declares [2] values of floats, the file ends before",
                error(bytes(0, 0, 0x0d, 1, 0, 0, 0, 2, 0x3f, 0xc0, 0, 0)));
        assertEquals("test file: dimension 1 is negative (-1)",
                error(bytes(0, 0, 0x08, 2, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff)));
    }

    @Test
    void aHugeDeclaredSizeIsRefusedBeforeAllocating() {
        String message = error(bytes(0, 0, 0x0e, 2, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 2));
        assertTrue(message.startsWith("test file: too large (dimensions [2147483647"), message);
    }
}
