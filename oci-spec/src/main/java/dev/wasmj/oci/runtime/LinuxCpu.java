package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;

/** linux.resources.cpu. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxCpu extends Extensible {
    private Long shares;
    private Long quota;
    private Long burst;
    private Long period;
    private Long realtimeRuntime;
    private Long realtimePeriod;
    private String cpus;
    private String mems;
    private Long idle;

    public Long getShares() {
        return shares;
    }

    public void setShares(Long shares) {
        this.shares = shares;
    }

    public Long getQuota() {
        return quota;
    }

    public void setQuota(Long quota) {
        this.quota = quota;
    }

    public Long getBurst() {
        return burst;
    }

    public void setBurst(Long burst) {
        this.burst = burst;
    }

    public Long getPeriod() {
        return period;
    }

    public void setPeriod(Long period) {
        this.period = period;
    }

    public Long getRealtimeRuntime() {
        return realtimeRuntime;
    }

    public void setRealtimeRuntime(Long realtimeRuntime) {
        this.realtimeRuntime = realtimeRuntime;
    }

    public Long getRealtimePeriod() {
        return realtimePeriod;
    }

    public void setRealtimePeriod(Long realtimePeriod) {
        this.realtimePeriod = realtimePeriod;
    }

    public String getCpus() {
        return cpus;
    }

    public void setCpus(String cpus) {
        this.cpus = cpus;
    }

    public String getMems() {
        return mems;
    }

    public void setMems(String mems) {
        this.mems = mems;
    }

    public Long getIdle() {
        return idle;
    }

    public void setIdle(Long idle) {
        this.idle = idle;
    }
}
