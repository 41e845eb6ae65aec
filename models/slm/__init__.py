"""The small language model: GGUF -> ONNX builder output, tokenizer, chat template, runtime."""
