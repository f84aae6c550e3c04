//! Uploaded conversation pictures, checked as upstream checks them: a PNG or JPEG image of at
//! most 20 MiB that is square once its EXIF orientation is applied. Like upstream, confab keeps
//! the decoded image encoded anew, not the uploaded bytes: that applies the orientation and
//! drops metadata (a photo's location) that clients would otherwise be served.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::avatar::{AvatarError, AvatarImage};

/// Largest accepted upload, as upstream.
pub const MAX_PICTURE_BYTES: usize = 20 * 1024 * 1024;

/// Largest side decoded; larger images are refused before their pixels are allocated.
const MAX_SIDE: u32 = 8192;

/// JPEG quality of the stored copy.
const JPEG_QUALITY: u8 = 90;

/// The two formats a picture may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PictureFormat {
    Png,
    Jpeg,
}

impl PictureFormat {
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
        }
    }

    pub fn from_mime_type(mime_type: &str) -> Option<Self> {
        match mime_type {
            "image/png" => Some(Self::Png),
            "image/jpeg" => Some(Self::Jpeg),
            _ => None,
        }
    }
}

fn decode(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, AvatarError> {
    let invalid = |_| AvatarError::InvalidImage;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(invalid)?;
    let orientation = decoder.orientation().map_err(invalid)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(invalid)?;
    picture.apply_orientation(orientation);
    Ok(picture)
}

fn encode(decoded: &DynamicImage, format: PictureFormat) -> Result<Vec<u8>, AvatarError> {
    let mut out = Cursor::new(Vec::new());
    let written = match format {
        PictureFormat::Png => decoded.write_to(&mut out, ImageFormat::Png),
        // JPEG has no alpha and 8 bits per channel.
        PictureFormat::Jpeg => DynamicImage::from(decoded.to_rgb8())
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)),
    };
    written.map_err(|_| AvatarError::InvalidImage)?;
    Ok(out.into_inner())
}

/// Checks an uploaded picture and prepares the copy to keep. Decoding is CPU work: call it
/// off the async workers.
pub fn picture_image(bytes: &[u8]) -> Result<AvatarImage, AvatarError> {
    if bytes.len() > MAX_PICTURE_BYTES {
        return Err(AvatarError::TooBig);
    }
    let format = match image::guess_format(bytes) {
        Ok(ImageFormat::Png) => PictureFormat::Png,
        Ok(ImageFormat::Jpeg) => PictureFormat::Jpeg,
        // A GIF, WebP, … is an image, just not one upstream takes.
        Ok(_) => return Err(AvatarError::UnknownType),
        Err(_) => return Err(AvatarError::InvalidImage),
    };
    let image_format = match format {
        PictureFormat::Png => ImageFormat::Png,
        PictureFormat::Jpeg => ImageFormat::Jpeg,
    };
    let decoded = decode(bytes, image_format)?;
    if decoded.width() != decoded.height() {
        return Err(AvatarError::NotSquare);
    }
    Ok(AvatarImage::Picture {
        format,
        content: encode(&decoded, format)?,
    })
}

#[cfg(test)]
mod tests {
    use image::{Rgb, RgbImage, Rgba, RgbaImage};

    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        DynamicImage::from(RgbaImage::from_pixel(width, height, Rgba([0, 255, 0, 255])))
            .write_to(&mut out, ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        DynamicImage::from(RgbImage::from_pixel(width, height, Rgb([0, 255, 0])))
            .write_to(&mut out, ImageFormat::Jpeg)
            .unwrap();
        out.into_inner()
    }

    fn decoded(image: &AvatarImage) -> DynamicImage {
        let AvatarImage::Picture { content, .. } = image else {
            panic!("not a picture: {image:?}");
        };
        image::load_from_memory(content).unwrap()
    }

    #[test]
    fn square_png_and_jpeg_pictures_are_kept_in_their_format() {
        let kept = picture_image(&png(32, 32)).unwrap();
        assert!(matches!(
            kept,
            AvatarImage::Picture {
                format: PictureFormat::Png,
                ..
            }
        ));
        assert_eq!(
            decoded(&kept).to_rgba8().get_pixel(5, 5).0,
            [0, 255, 0, 255]
        );
        let kept = picture_image(&jpeg(24, 24)).unwrap();
        assert!(matches!(
            kept,
            AvatarImage::Picture {
                format: PictureFormat::Jpeg,
                ..
            }
        ));
        assert_eq!(decoded(&kept).width(), 24);
    }

    #[test]
    fn other_pictures_are_refused_with_the_reason() {
        assert_eq!(picture_image(&png(32, 16)), Err(AvatarError::NotSquare));
        assert_eq!(picture_image(&jpeg(10, 20)), Err(AvatarError::NotSquare));
        assert_eq!(
            picture_image(b"GIF89a\x01\x00\x01\x00"),
            Err(AvatarError::UnknownType)
        );
        assert_eq!(
            picture_image(b"not an image"),
            Err(AvatarError::InvalidImage)
        );
        let mut truncated = png(32, 32);
        truncated.truncate(truncated.len() / 2);
        assert_eq!(picture_image(&truncated), Err(AvatarError::InvalidImage));
        assert_eq!(
            picture_image(&vec![0; MAX_PICTURE_BYTES + 1]),
            Err(AvatarError::TooBig)
        );
    }

    /// CRC-32 as PNG chunks carry it.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn huge_sides_are_refused_before_decoding() {
        let mut huge = png(1, 1);
        // IHDR follows the 8-byte signature and its length: type at 12..16, data at 16..29
        // (width, height, …), CRC at 29..33.
        huge[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        huge[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc32(&huge[12..29]);
        huge[29..33].copy_from_slice(&crc.to_be_bytes());
        assert!(
            ImageReader::with_format(Cursor::new(&huge), ImageFormat::Png)
                .into_dimensions()
                .is_ok_and(|d| d == (100_000, 100_000))
        );
        assert_eq!(picture_image(&huge), Err(AvatarError::InvalidImage));
    }
}
