"""Head pose from five landmarks: exact for a roll in the image plane, symmetric under a
mirror, and signed as the API says (yaw towards the image's right, pitch looking down)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from workers.engines.face.pose import head_pose

# A frontal face as the landmarks see it: eyes 65 px apart, the nose tip 35 px below them, the
# mouth corners 65 px below.
FRONTAL = np.array([[-32.5, 0.0], [32.5, 0.0], [0.0, 35.0], [-25.0, 65.0], [25.0, 65.0]]) + 200


def rotated(points: np.ndarray, degrees: float) -> np.ndarray:
    """Points turned clockwise in the image (y down) about the eyes' centre."""
    a = math.radians(degrees)
    centre = (points[0] + points[1]) / 2
    turn = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return (points - centre) @ turn.T + centre


def mirrored(points: np.ndarray) -> np.ndarray:
    """The face in a mirrored image: x flipped, and left and right swap names."""
    flipped = points * [-1, 1] + [400, 0]
    return flipped[[1, 0, 2, 4, 3]]


def test_a_frontal_face_has_no_pose() -> None:
    assert head_pose(FRONTAL) == pytest.approx((0, 0, 0), abs=1e-6)


@pytest.mark.parametrize("degrees", [-40, -10, 5, 25])
def test_roll_is_the_turn_in_the_image_and_leaves_yaw_and_pitch(degrees: float) -> None:
    turned = head_pose(FRONTAL)[:2], head_pose(rotated(FRONTAL, degrees))
    assert turned[1][2] == pytest.approx(degrees, abs=1e-6)
    assert turned[1][:2] == pytest.approx(turned[0], abs=1e-6)


def test_yaw_and_pitch_are_signed_as_documented() -> None:
    towards_right = FRONTAL + [[0, 0], [0, 0], [12, 0], [4, 0], [4, 0]]
    looking_down = FRONTAL + [[0, 0], [0, 0], [0, 10], [0, 0], [0, 0]]
    yaw, pitch, _ = head_pose(towards_right)
    assert yaw > 15 and abs(pitch) < 1
    yaw, pitch, _ = head_pose(looking_down)
    assert pitch > 10 and abs(yaw) < 1e-6
    assert head_pose(rotated(towards_right, 20))[0] == pytest.approx(head_pose(towards_right)[0])


def test_a_mirror_changes_the_sign_of_yaw_and_roll() -> None:
    face = rotated(FRONTAL + [[0, 0], [0, 0], [9, 6], [3, 0], [3, 0]], 12)
    yaw, pitch, roll = head_pose(face)
    assert head_pose(mirrored(face)) == pytest.approx((-yaw, pitch, -roll), abs=1e-6)
