"""The assistant: grounded meeting summaries of any length, and smart reply drafts.

Everything here codes against models.slm.api.LanguageModel only, so a scripted fake engine
(tests) and the real ONNX engine are interchangeable. Long work is a plain generator of
app.tasks.events that checks a cancel token (threading.Event).
"""
