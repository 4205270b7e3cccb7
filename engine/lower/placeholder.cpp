// Placeholder so the stage library exists before its sources do; remove when the stage has a .cpp.
