"""`business_registration` as a job runs it: the first page read by General OCR, its fields
found by their labels (see `fields`), checked, and verified where a verifier is configured."""

from __future__ import annotations

from shared.analyses.business_registration import BusinessRegistrationResult
from shared.analyses.options import DocumentOptions
from workers.pipelines import Inputs, JobContext
from workers.pipelines.business_registration.fields import read_certificate
from workers.pipelines.documents import DocumentPipeline


class BusinessRegistrationPipeline(DocumentPipeline):
    def run(
        self, inputs: Inputs, options: DocumentOptions, context: JobContext
    ) -> BusinessRegistrationResult:
        _, page = self.first_page(inputs)
        return self.verified(read_certificate(page.lines))
