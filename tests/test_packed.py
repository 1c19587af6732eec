"""2017 packed labels: R*65536 + G*256 + B, decoded with JS truncation, ToInt32 and 32-bit shifts."""
import numpy as np
import pytest

from painting.packed import decode_packed, encode_packed


def test_encode_hand_values():
    rgb = np.array([[[255, 255, 255], [1, 2, 3]], [[0, 0, 0], [18, 52, 86]]], dtype=np.uint8)
    packed = encode_packed(rgb)
    assert packed.shape == (2, 2, 1) and packed.dtype == np.float64
    assert packed[..., 0].tolist() == [[16777215, 65536 + 512 + 3], [0, 0x123456]]


def test_round_trip_of_every_channel_value():
    rgb = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    rgb[0, :3] = [[0, 0, 0], [255, 255, 255], [255, 0, 128]]
    np.testing.assert_array_equal(decode_packed(encode_packed(rgb)), rgb)
    np.testing.assert_array_equal(decode_packed(encode_packed(rgb).astype(np.float32)), rgb)  # exact < 2^24


@pytest.mark.parametrize("value, rgb", [
    (255.9, (0, 0, 255)),                    # truncation, not rounding
    (256.0, (0, 1, 0)),
    (-1.0, (255, 255, 255)),                 # ToInt32(-1) = 0xFFFFFFFF
    (-1.5, (255, 255, 255)),                 # truncated toward zero first: -1
    (-0.5, (0, 0, 0)),                       # -0 -> 0
    (-256.0, (255, 255, 0)),                 # 0xFFFFFF00
    (16777216.0, (0, 0, 0)),                 # 2^24: only the low 24 bits show
    (2.0**31 + 0x010203, (1, 2, 3)),         # > 2^31 wraps to a negative int32, same low bits
    (2.0**32 + 0x123456, (0x12, 0x34, 0x56)),  # wraps mod 2^32
    (1e20, (0x10, 0x00, 0x00)),              # 1e20 mod 2^32 = 1661992960 = 0x63100000
    (float("nan"), (0, 0, 0)),
    (float("inf"), (0, 0, 0)),
    (float("-inf"), (0, 0, 0)),
])
def test_decode_follows_js_semantics(value, rgb):
    out = decode_packed(np.array([[[value]]]))
    assert out.dtype == np.uint8 and out.shape == (1, 1, 3)
    assert tuple(out[0, 0].tolist()) == rgb


def test_bad_inputs():
    with pytest.raises(ValueError, match="uint8"):
        encode_packed(np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match=r"\(H, W, 3\)"):
        encode_packed(np.zeros((2, 2), dtype=np.uint8))
    with pytest.raises(ValueError, match=r"\(H, W, 1\)"):
        decode_packed(np.zeros((2, 2, 3)))
    assert decode_packed(np.zeros((2, 3))).shape == (2, 3, 3)
