//! Uploading a picture (multipart `file`): square PNG and JPEG images are kept and served in
//! their format; everything else is refused with upstream's reason and changes nothing.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};
use reqwest::Method;
use serde_json::json;

use super::{avatar_path, emoji_path, room_with_member};
use crate::helpers::{Answer, Client, TestApp};

const BOUNDARY: &str = "confab-avatar-boundary";

/// A `width` × `height` image of one colour, encoded as `format`.
fn image_bytes(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let pixels = RgbaImage::from_pixel(width, height, Rgba([0, 255, 0, 255]));
    let mut out = Cursor::new(Vec::new());
    let image = if format == ImageFormat::Jpeg {
        DynamicImage::from(DynamicImage::from(pixels).to_rgb8())
    } else {
        DynamicImage::from(pixels)
    };
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// Posts `bytes` as the multipart field `field`.
async fn upload(client: &Client, token: &str, field: &str, bytes: &[u8]) -> Answer {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"a\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    client
        .send_raw(
            Method::POST,
            &avatar_path(token),
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            body,
        )
        .await
}

/// The picture as served: its content type and decoded image.
async fn served(client: &Client, path: &str) -> (String, DynamicImage) {
    let response = reqwest::Client::new()
        .get(path)
        .basic_auth(&client.id, Some(crate::helpers::PASSWORD))
        .header("OCS-APIRequest", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let bytes = response.bytes().await.unwrap();
    (content_type, image::load_from_memory(&bytes).unwrap())
}

#[tokio::test]
async fn a_moderator_uploads_square_pictures_that_are_served_in_their_format() {
    let app = TestApp::spawn().await;
    let (alice, bob, _, token) = room_with_member(&app).await;
    let url = format!("{}{}", app.base, avatar_path(&token));
    let mut versions = vec![alice.room(&token).await["avatarVersion"].clone()];

    for (format, mime) in [
        (ImageFormat::Png, "image/png"),
        (ImageFormat::Jpeg, "image/jpeg"),
    ] {
        let answer = upload(&alice, &token, "file", &image_bytes(40, 40, format)).await;

        answer.expect(200);
        assert_eq!(answer.data()["isCustomAvatar"], true);
        assert!(!versions.contains(&answer.data()["avatarVersion"]));
        versions.push(answer.data()["avatarVersion"].clone());
        for path in [url.clone(), format!("{url}/dark")] {
            let (content_type, image) = served(&bob, &path).await;
            assert_eq!(content_type, mime);
            assert_eq!((image.width(), image.height()), (40, 40));
            let [r, g, b, _] = image.to_rgba8().get_pixel(20, 20).0;
            assert!(r < 16 && g > 240 && b < 16, "{:?}", (r, g, b));
        }
    }
    assert_eq!(
        crate::helpers::Client::system_messages(&app, &token).await,
        [
            "conversation_created",
            "user_added",
            "avatar_set",
            "avatar_set"
        ]
    );
    // An emoji picture replaces an uploaded one.
    alice
        .post(&emoji_path(&token), json!({"emoji": "\u{1F44B}"}))
        .await
        .expect(200);
    let svg = bob.get(&avatar_path(&token)).await;
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
}

#[tokio::test]
async fn bad_uploads_are_400_with_the_reason_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (alice, _, _, token) = room_with_member(&app).await;
    let before = alice.room(&token).await;
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    let png = image_bytes(40, 40, ImageFormat::Png);

    for (field, bytes, key, message) in [
        (
            "file",
            image_bytes(40, 20, ImageFormat::Png),
            "square",
            "Avatar image is not square",
        ),
        (
            "file",
            image_bytes(10, 30, ImageFormat::Jpeg),
            "square",
            "Avatar image is not square",
        ),
        (
            "file",
            b"no picture at all".to_vec(),
            "image",
            "Invalid image",
        ),
        (
            "file",
            png[..png.len() / 2].to_vec(),
            "image",
            "Invalid image",
        ),
        ("file", gif.to_vec(), "mime", "Unknown filetype"),
        ("image", png.clone(), "file", "No image file provided"),
        (
            "file",
            vec![0x89; 20 * 1024 * 1024 + 1],
            "size",
            "File is too big",
        ),
        (
            "file",
            vec![0x89; 25 * 1024 * 1024],
            "size",
            "File is too big",
        ),
    ] {
        let answer = upload(&alice, &token, field, &bytes).await;
        answer.expect_error(400, key);
        assert_eq!(answer.data()["message"], message);
    }
    alice
        .post(&avatar_path(&token), json!({"file": "not multipart"}))
        .await
        .expect_error(400, "file");

    let after = alice.room(&token).await;
    assert_eq!(after["isCustomAvatar"], false);
    assert_eq!(after["avatarVersion"], before["avatarVersion"]);
    assert_eq!(
        crate::helpers::Client::system_messages(&app, &token).await,
        ["conversation_created", "user_added"]
    );
}

#[tokio::test]
async fn only_moderators_of_group_conversations_upload_and_they_are_asked_first() {
    let app = TestApp::spawn().await;
    let (alice, bob, carol, token) = room_with_member(&app).await;
    let png = image_bytes(40, 40, ImageFormat::Png);

    upload(&bob, &token, "file", &png).await.expect(403);
    // Who asks is checked before what they sent.
    upload(&bob, &token, "file", b"junk").await.expect(403);
    upload(&carol, &token, "file", &png).await.expect(404);
    upload(&app.guest(), &token, "file", &png).await.expect(404);
    assert_eq!(alice.room(&token).await["isCustomAvatar"], false);

    let one_to_one = alice
        .post("/room", json!({"roomType": 1, "invite": "bob"}))
        .await;
    one_to_one.expect(201);
    let pair = one_to_one.data()["token"].as_str().unwrap().to_owned();
    upload(&alice, &pair, "file", &png)
        .await
        .expect_error(400, "type");
    assert_eq!(alice.room(&pair).await["isCustomAvatar"], false);
}

#[tokio::test]
async fn pictures_are_advertised_as_the_avatar_feature() {
    let app = TestApp::spawn().await;
    let answer = app.guest().get("/ocs/v2.php/cloud/capabilities").await;
    let features = answer.data()["capabilities"]["spreed"]["features"]
        .as_array()
        .unwrap()
        .clone();
    assert!(features.contains(&json!("avatar")));
}
