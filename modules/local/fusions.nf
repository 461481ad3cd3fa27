process FUSIONS {
    tag "${meta.sample}"
    label 'process_single'

    input:
    tuple val(meta), path(fusions)

    output:
    tuple val(meta), path("${meta.sample}.fusions.tsv")    , emit: tsv
    tuple val(meta), path("${meta.sample}.fusions.qc.json"), emit: qc
    path "versions.yml"                                 , emit: versions

    script:
    def format = meta.fusion_format ? "--format ${meta.fusion_format}" : ''
    def args = task.ext.args ?: ''
    """
    lenall fusions \\
        --sample ${meta.sample} \\
        --fusions ${fusions} \\
        --outdir . \\
        --genome ${params.genome} \\
        ${format} \\
        ${args}

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        lenall: \$(lenall --version | sed 's/^lenall, version //')
    END_VERSIONS
    """

    stub:
    """
    touch ${meta.sample}.fusions.tsv ${meta.sample}.fusions.qc.json
    echo '"${task.process}": {lenall: stub}' > versions.yml
    """
}
