namespace ZeroCostDL4Mic.Engine.Api;

/// <summary>What runs each tile of a prediction: Auto = the server's configured default (Engine:InferenceBackend).</summary>
public enum InferenceBackend { Auto, Torch, Onnx }
