"""`face_register`: the faces of an image (up to `limit`, largest first) added to a group with
the job's result; only their embeddings are kept."""

from __future__ import annotations

import uuid

from shared.analyses.face_register import FaceRegisterOptions, FaceRegisterResult
from shared.face_matching import NewFace
from workers.pipelines import Inputs, JobContext
from workers.pipelines.faces import FacePipeline


class FaceRegisterPipeline(FacePipeline):
    def run(
        self, inputs: Inputs, options: FaceRegisterOptions, context: JobContext
    ) -> FaceRegisterResult:
        stamp = self.finder.stamp
        picture = self.finder.find_one(inputs["file"], "file", spoof=options.spoof)
        faces = picture.faces[: options.limit]
        embeddings = self.finder.embed(picture, faces)
        registered = [found.face.model_copy(update={"id": uuid.uuid4()}) for found in faces]
        context.groups.add(
            options.group_id,
            stamp,
            [
                NewFace(face.id, face.model_dump(mode="json", exclude={"id"}), embedding)  # type: ignore[arg-type]
                for face, embedding in zip(registered, embeddings, strict=True)
            ],
            options.external_image_id,
        )
        return FaceRegisterResult(
            group_id=options.group_id, external_image_id=options.external_image_id, faces=registered
        )
