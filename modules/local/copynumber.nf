process COPYNUMBER {
    tag "${meta.sample}"
    label 'process_single'

    input:
    tuple val(meta), path(segments)

    output:
    tuple val(meta), path("${meta.sample}.segments.tsv") , emit: segments
    tuple val(meta), path("${meta.sample}.cn_events.tsv"), emit: events
    tuple val(meta), path("${meta.sample}.copynumber.qc.json"), emit: qc
    path "versions.yml"                                   , emit: versions

    script:
    def format = meta.segments_format ? "--format ${meta.segments_format}" : ''
    def purity = meta.purity ? "--purity ${meta.purity}" : ''
    def sex = meta.sex ? "--sex ${meta.sex}" : ''
    def args = task.ext.args ?: ''
    """
    lenall copynumber \\
        --sample ${meta.sample} \\
        --segments ${segments} \\
        --outdir . \\
        --genome ${params.genome} \\
        ${format} \\
        ${purity} \\
        ${sex} \\
        ${args}

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        lenall: \$(lenall --version | sed 's/^lenall, version //')
    END_VERSIONS
    """

    stub:
    """
    touch ${meta.sample}.segments.tsv ${meta.sample}.cn_events.tsv ${meta.sample}.copynumber.qc.json
    echo '"${task.process}": {lenall: stub}' > versions.yml
    """
}
