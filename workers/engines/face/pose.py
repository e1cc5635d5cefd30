"""Head pose (yaw, pitch, roll in degrees) estimated from five landmarks.

Five points carry no depth, so pose comes from where the nose tip sits between the eyes and the
mouth on an average adult face (eyes 65 mm apart, nose tip 25 mm in front of the eyes, mouth
corners 65 mm below the eye line … as in `FACE`):
- roll: the tilt of the line through the eyes, positive clockwise in the image;
- yaw: the nose tip's sideways offset from the face's midline, once the roll is undone, over
  the half distance between the eyes; positive when the face turns towards the image's right;
- pitch: how far down the nose tip sits between the eye line and the mouth line compared with
  a frontal face; positive when the face looks down.
An estimate (a few degrees off on real faces), exact for rotations in the image plane (roll)
and symmetric under a mirror (yaw and roll change sign).
"""

from __future__ import annotations

import math

import numpy as np

EYE_HALF_DISTANCE = 32.5
NOSE_DEPTH = 25.0
EYES_TO_NOSE, EYES_TO_MOUTH = 35.0, 65.0
"""Millimetres of an average adult face: half the distance between the eyes, how far the nose
tip stands in front of them, and how far below the eye line the nose tip and the mouth are."""


def head_pose(landmarks: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) of a face from its landmarks (5, 2): left eye, right eye, nose, left
    and right mouth corner, as seen in the image."""
    points = landmarks.astype(np.float64)
    left_eye, right_eye, nose, mouth_left, mouth_right = points
    dx, dy = right_eye - left_eye
    roll = math.atan2(dy, dx)
    # Undo the roll: rotate every point about the eyes' centre by -roll.
    cos, sin = math.cos(-roll), math.sin(-roll)
    eyes = (left_eye + right_eye) / 2
    upright = (points - eyes) @ np.array([[cos, sin], [-sin, cos]])
    eye_half = max(math.hypot(dx, dy) / 2, 1e-6)
    mouth = (upright[3] + upright[4]) / 2
    midline_x = mouth[0] * (upright[2][1] / mouth[1]) if mouth[1] > 1e-6 else 0.0
    yaw = math.atan2((upright[2][0] - midline_x) * EYE_HALF_DISTANCE, eye_half * NOSE_DEPTH)
    span = max(mouth[1], 1e-6)
    nose_drop = upright[2][1] / span - EYES_TO_NOSE / EYES_TO_MOUTH
    pitch = math.atan2(nose_drop * EYES_TO_MOUTH, NOSE_DEPTH)
    return math.degrees(yaw), math.degrees(pitch), math.degrees(roll)
