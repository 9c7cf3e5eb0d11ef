using Serverless.Monitoring.Core.Instrumentation;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>.NET runtime metrics (<c>dotnet_*</c>), read from the GC and thread pool at each collection.</summary>
internal static class RuntimeMetrics
{
    public static void Register(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var collections = registry.CreateCounter(
            "dotnet_gc_collections_total", "Number of garbage collections of each generation since the process started.", "generation");
        var generations = new Counter[GC.MaxGeneration + 1];
        for (var i = 0; i < generations.Length; i++)
        {
            generations[i] = collections.WithLabels(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var heapSize = registry.CreateGauge("dotnet_gc_heap_size_bytes", "Bytes currently thought to be allocated on the GC heap.");
        var committed = registry.CreateGauge("dotnet_gc_committed_bytes", "Bytes of memory committed by the GC, as of the last collection.");
        var allocated = registry.CreateCounter("dotnet_gc_allocated_bytes_total", "Bytes allocated on the GC heap since the process started.");
        var pause = registry.CreateCounter("dotnet_gc_pause_seconds_total", "Time the runtime was paused for garbage collection, in seconds.");
        var threads = registry.CreateGauge("dotnet_threadpool_threads", "Number of thread pool threads.");
        var queue = registry.CreateGauge("dotnet_threadpool_queue_length", "Number of work items queued to the thread pool.");
        var completed = registry.CreateCounter("dotnet_threadpool_completed_items_total", "Number of work items the thread pool has completed.");
        var contentions = registry.CreateCounter("dotnet_monitor_lock_contentions_total", "Number of times a thread waited for a contended Monitor lock.");

        registry.AddBeforeCollect(() =>
        {
            for (var i = 0; i < generations.Length; i++)
            {
                generations[i].IncTo(GC.CollectionCount(i));
            }

            heapSize.Set(GC.GetTotalMemory(forceFullCollection: false));
            committed.Set(GC.GetGCMemoryInfo().TotalCommittedBytes);
            // Precise: the imprecise total counts handed-out allocation contexts whole and drops at a
            // GC, so the counter (which never goes down) could stand still for a while after one.
            allocated.IncTo(GC.GetTotalAllocatedBytes(precise: true));
            pause.IncTo(GC.GetTotalPauseDuration().TotalSeconds);
            threads.Set(ThreadPool.ThreadCount);
            queue.Set(ThreadPool.PendingWorkItemCount);
            completed.IncTo(ThreadPool.CompletedWorkItemCount);
            contentions.IncTo(Monitor.LockContentionCount);
        });
    }

    /// <summary>A constant 1 labeled with the build, like <c>prometheus_build_info</c>.</summary>
    public static void RegisterBuildInfo(MetricRegistry registry, BuildInfo build)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(build);
        registry.CreateGauge(
                "serverless_monitoring_build_info",
                "A metric with a constant '1' value labeled by version, revision, branch and the .NET version from which Serverless.Monitoring was built.",
                "branch", "goversion", "revision", "version")
            .WithLabels(build.Branch, build.RuntimeVersion, build.Revision, build.Version)
            .Set(1);
    }
}
