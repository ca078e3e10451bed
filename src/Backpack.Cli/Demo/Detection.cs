using Backpack.Geometry;

namespace Backpack.Cli.Demo;

/// <summary>What the simulated detector reports for one object of one frame.</summary>
/// <param name="TrackId">The object's tracking id: the same for every frame of the object, never reused.</param>
/// <param name="Class">What the object is.</param>
/// <param name="Box">Its bounding box, normalised to the frame (x and y in [0; 1)).</param>
/// <param name="Score">The detector's confidence, from 0 to 1.</param>
internal readonly record struct Detection(int TrackId, ObjectClass Class, Rectangle Box, double Score);
