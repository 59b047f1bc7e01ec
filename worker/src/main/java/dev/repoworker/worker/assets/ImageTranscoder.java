package dev.repoworker.worker.assets;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import net.coobird.thumbnailator.Thumbnails;

/** Decodes one image and writes its planned variants, largest first, each size in every format. */
final class ImageTranscoder {

    private static final float WEBP_QUALITY = 0.80f;
    private static final float JPEG_QUALITY = 0.82f;

    private ImageTranscoder() {}

    static void transcode(MediaFile m, Path outDir) throws IOException, InterruptedException {
        BufferedImage source;
        try (InputStream in = Files.newInputStream(m.file())) {
            source = ImageIO.read(in);
        }
        if (source == null) {
            throw new IOException("no decoder for this image");
        }
        boolean alpha = source.getColorModel().hasAlpha();
        List<MediaFile.Variant> variants = new ArrayList<>(m.variants());
        java.util.Collections.reverse(variants);
        BufferedImage current = source;
        for (int i = 0; i < variants.size(); i += MediaOptimizer.FORMATS.size()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("media conversion interrupted");
            }
            MediaFile.Variant v = variants.get(i);
            if (current.getWidth() != v.width() || current.getHeight() != v.height()) {
                current = Thumbnails.of(current)
                        .size(v.width(), v.height())
                        .keepAspectRatio(false)
                        .asBufferedImage();
            }
            for (int k = 0; k < MediaOptimizer.FORMATS.size(); k++) {
                MediaFile.Variant out = variants.get(i + k);
                write(current, out.format(), alpha, outDir.resolve(out.file()));
            }
        }
    }

    private static void write(BufferedImage image, String format, boolean alpha, Path target) throws IOException {
        BufferedImage pixels = format.equals("jpg") || !alpha ? rgb(image) : argb(image);
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format.equals("jpg") ? "jpeg" : format)
                .next();
        Path tmp = target.resolveSibling(
                target.getFileName() + ".tmp-" + Thread.currentThread().getId());
        try (ImageOutputStream out = ImageIO.createImageOutputStream(tmp.toFile())) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            if (format.equals("webp")) {
                param.setCompressionType("Lossy");
                param.setCompressionQuality(WEBP_QUALITY);
            } else {
                param.setCompressionQuality(JPEG_QUALITY);
            }
            writer.write(null, new IIOImage(pixels, null, null), param);
        } finally {
            writer.dispose();
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static BufferedImage rgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return rgb;
    }

    private static BufferedImage argb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_ARGB) {
            return image;
        }
        BufferedImage argb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = argb.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return argb;
    }
}
