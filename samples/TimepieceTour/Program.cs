// A tour of Timepiece: the examples of the Python Backpack's README, in C#, with real time.
// Run: dotnet run --project samples/TimepieceTour   (about 15 seconds)
using System.Globalization;
using Backpack.Timepiece;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// Ticker: the time between recurring events, such as frames.
var ticker = new Ticker(maxIntervals: 5);
for (var i = 0; i < 10; i++)
{
    ticker.Tick();
    Thread.Sleep(Random.Shared.Next(100));
}

Console.WriteLine(ticker);
Console.WriteLine();

// StopWatch: how long blocks of code take, in a tree.
var root = new StopWatch("root");
using (root.Start())
{
    var task1 = root.Child("task1", maxIntervals: 5);
    using (task1.Start())
    {
        Thread.Sleep(10);
        var subtask11 = task1.Child("subtask1_1");
        using (subtask11.Start())
        {
            Thread.Sleep(30);
        }

        using (task1.Child("subtask1_2").Start())
        {
            Thread.Sleep(70);
        }

        using (task1.Child("subtask1_3").Start())
        {
            Thread.Sleep(90);
        }

        using (subtask11.Start())
        {
            Thread.Sleep(50);
        }
    }

    var task2 = root.Child("task2").Measure(() => Thread.Sleep(Random.Shared.Next(100)));
    for (var i = 0; i < 5; i++)
    {
        task2();
    }
}

Console.WriteLine(root);
Console.WriteLine();

// Schedules ticked from the loop, their callbacks run on the thread pool.
void Called(string name) => Console.WriteLine($"{name} was called at {LocalClock.Now():yyyy-MM-dd HH:mm:ss.ffffffzzz}");
var atSchedule = new AtSchedule(LocalClock.Now() + TimeSpan.FromSeconds(3), () => Called("AtSchedule"), TaskScheduler.Default);
var intervalSchedule = new IntervalSchedule(TimeSpan.FromSeconds(1.35), () => Called("IntervalSchedule"), TaskScheduler.Default);
var ordinalSchedule = new OrdinalSchedule(17, () => Called("OrdinalSchedule"), TaskScheduler.Default);
var alarmClock = new AlarmClock([atSchedule, intervalSchedule, ordinalSchedule]);
for (var i = 0; i < 25 * 5; i++)
{
    alarmClock.Tick();
    Thread.Sleep(1000 / 25);
}

Console.WriteLine();

// TickerTachometer: statistics of the loop every 2 seconds.
using (var tachometer = new TickerTachometer(
    (timestamp, timer) =>
    {
        Console.WriteLine($"timestamp: {timestamp:yyyy-MM-dd HH:mm:ss.ffffffzzz}");
        Console.WriteLine($"min: {timer.Min.TotalSeconds:F4}, max: {timer.Max.TotalSeconds:F4}, " +
                          $"sum: {timer.Sum.TotalSeconds:F4}, num: {timer.Count}");
    },
    TimeSpan.FromSeconds(2)))
{
    for (var i = 0; i < 200; i++)
    {
        tachometer.Tick();
        Thread.Sleep(Random.Shared.Next(100));
    }
}
